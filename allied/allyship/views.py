"""Allyship pages: a person's own reflections and training (their own, so sign-in is enough;
anyone else's reflection is a 404), and a programme's training modules, training progress,
shared reflections and mentees' feedback for those who run it (`allied.programmes.access`).

Coordinators see that a module was completed, never what the mentor wrote about it; they see a
reflection only while its author shares it with their programme; and they see mentees'
feedback on allyship only as counts with small numbers hidden.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from allied.accounts.access import RoleRequired
from allied.allyship import actions, reports
from allied.allyship.forms import CompleteForm, ModuleForm, ReflectionForm, ShareForm
from allied.allyship.models import Completion, Reflection, TrainingModule
from allied.base.submissions import key_from, with_submission
from allied.core import allyship as model
from allied.core.disclosure import RULE_LINES
from allied.core.model import STUDY_MODEL
from allied.programmes import access
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant, Programme, Side

RUNS = (access.COORDINATOR, access.ADMIN)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _own_reflection(request, pk: int) -> Reflection:
    """Returns the person's own reflection; anyone else's is a 404, to coordinators too."""
    reflection = (
        Reflection.objects.filter(pk=pk, author=request.user)
        .select_related("shared_with")
        .prefetch_related("answers")
        .first()
    )
    if reflection is None:
        raise Http404
    return reflection


def _mentor_programmes(user) -> list[Programme]:
    """The programmes where the person holds a live mentor's place. One filter() call, so
    every condition is about the same place (an exclude() would drop a programme as soon as
    anyone in it had withdrawn)."""
    return list(
        Programme.objects.filter(
            cohorts__participants__user=user,
            cohorts__participants__side=Side.MENTOR,
            cohorts__participants__status__in=[
                Participant.Status.INTAKE,
                Participant.Status.READY,
            ],
        )
        .distinct()
        .order_by("name")
    )


def training_of(user) -> list[dict]:
    """Returns, for each programme where the person mentors, its modules with their own
    completion dates and whether they have completed every required one."""
    out = []
    done = dict(Completion.objects.filter(user=user).values_list("module_id", "completed_at"))
    for programme in _mentor_programmes(user):
        modules = list(programme.training_modules.all())
        out.append(
            {
                "programme": programme,
                "modules": [(m, done.get(m.pk)) for m in modules],
                "trained": model.all_required_done([m.pk for m in modules if m.required], done),
                "required": sum(1 for m in modules if m.required),
            }
        )
    return out


# A person's own reflections ---------------------------------------------------------------


@login_required
def home(request):
    reflections = list(
        Reflection.objects.filter(author=request.user)
        .select_related("shared_with")
        .prefetch_related("answers")
    )
    oldest_first = list(reversed(reflections))
    return render(
        request,
        "allyship/home.html",
        {
            "reflections": reflections,
            "oldest_first": oldest_first,
            "rows": [
                (row, model.change_text(row.change))
                for row in model.over_time([r.ratings() for r in oldest_first])
            ]
            if len(reflections) >= 2
            else [],
            "training": training_of(request.user),
            "runs": [p for p in access.programmes_for(request.user) if _runs(request, p)],
            "not_perfect": model.NOT_PERFECT,
        },
    )


def _runs(request, programme) -> bool:
    return bool(access.roles_in(request.user, programme) & set(RUNS))


def _reflection_model(user):
    """Returns the mentoring model whose words a person's reflection uses: their programmes'
    model when every programme they mentor in runs on the same one, else the study's (a
    reflection belongs to the person, not to one programme)."""
    programmes = _mentor_programmes(user)
    if len({p.model_id for p in programmes}) == 1:
        return programmes[0].mentoring_model()
    return STUDY_MODEL


@login_required
def reflection_new(request):
    form = ReflectionForm(_posted(request), mentoring_model=_reflection_model(request.user))
    if request.method == "POST" and form.is_valid():
        reflection = actions.reflection_create(
            author=request.user, data=form.cleaned_data, submission=key_from(request.POST)
        )
        messages.success(request, "Your reflection has been saved. Only you can see it.")
        return redirect("allyship:reflection", reflection.pk)
    return render(
        request,
        "allyship/reflection_new.html",
        with_submission({"form": form, "not_perfect": model.NOT_PERFECT}, _posted(request)),
    )


@login_required
def reflection_detail(request, pk: int):
    reflection = _own_reflection(request, pk)
    programmes = list(actions.programmes_to_share_with(request.user))
    answers = {a.quality: a for a in reflection.answers.all()}
    return render(
        request,
        "allyship/reflection.html",
        {
            "reflection": reflection,
            "answers": [(q, answers.get(q.code)) for q in model.QUALITIES],
            "share_form": ShareForm(programmes=programmes) if programmes else None,
        },
    )


@login_required
@require_POST
def reflection_share(request, pk: int):
    reflection = _own_reflection(request, pk)
    form = ShareForm(request.POST, programmes=list(actions.programmes_to_share_with(request.user)))
    if not form.is_valid():
        messages.error(request, "Choose a programme you take part in. Nothing was shared.")
        return redirect("allyship:reflection", reflection.pk)
    try:
        actions.reflection_share(reflection=reflection, programme=form.cleaned_data["programme"])
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Shared with the coordinators of {reflection.shared_with.name}. You can stop "
            "sharing it at any time.",
        )
    return redirect("allyship:reflection", reflection.pk)


@login_required
@require_POST
def reflection_unshare(request, pk: int):
    reflection = _own_reflection(request, pk)
    if reflection.shared_with_id is None:
        messages.info(request, "This reflection was not shared.")
    else:
        actions.reflection_unshare(reflection=reflection)
        messages.success(request, "You have stopped sharing this reflection. Only you can see it.")
    return redirect("allyship:reflection", reflection.pk)


# Training: a mentor's side ----------------------------------------------------------------


def _module(request, module_id: int) -> TrainingModule:
    """Returns the module if the person mentors in its programme or runs it (404 otherwise)."""
    module = TrainingModule.objects.filter(pk=module_id).select_related("programme").first()
    if module is None:
        raise Http404
    access.programme_for(request, module.programme_id, access.MENTOR, *RUNS)
    return module


@login_required
def module_page(request, module_id: int):
    module = _module(request, module_id)
    is_mentor = access.MENTOR in request.programme_roles
    if request.method == "POST" and not is_mentor:
        raise RoleRequired(module.programme.organisation, (access.MENTOR,))
    completion = (
        Completion.objects.filter(module=module, user=request.user).first() if is_mentor else None
    )
    form = CompleteForm(
        _posted(request),
        initial={"reflection": completion.reflection if completion else ""},
    )
    if request.method == "POST" and form.is_valid():
        actions.module_complete(
            module=module, user=request.user, reflection=form.cleaned_data["reflection"]
        )
        if actions.is_trained(user=request.user, programme=module.programme):
            messages.success(
                request,
                f"“{module.title}” is complete. You have completed all the required allyship "
                "training for this programme.",
            )
        else:
            messages.success(request, f"“{module.title}” is complete.")
        return redirect("allyship:home")
    if module.reflection_prompt:
        form.fields["reflection"].label = f"{module.reflection_prompt} (optional)"
    return render(
        request,
        "allyship/module.html",
        {
            "module": module,
            "blocks": model.blocks(module.content),
            "form": form,
            "completion": completion,
            "is_mentor": is_mentor,
        },
    )


# Training: the programme's side -----------------------------------------------------------


@login_required
def training(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    form = ModuleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        module = actions.module_add(
            programme=programme, data=form.cleaned_data, submission=key_from(request.POST)
        )
        messages.success(request, f"The module “{module.title}” has been added.")
        return redirect("allyship:training", programme.pk)
    modules = list(programme.training_modules.all())
    have = {m.title.lower() for m in modules}
    return render(
        request,
        "allyship/training.html",
        with_submission(
            {
                "programme": programme,
                "modules": modules,
                "form": form,
                "defaults_missing": [
                    d for d in model.DEFAULT_MODULES if d.title.lower() not in have
                ],
            },
            _posted(request),
        ),
    )


@login_required
@require_POST
def training_defaults(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    added = actions.modules_add_defaults(programme=programme)
    if added:
        messages.success(request, "Added: " + "; ".join(f"“{m.title}”" for m in added) + ".")
    else:
        messages.info(request, "The programme already has every suggested module.")
    return redirect("allyship:training", programme.pk)


@login_required
def module_edit(request, pk: int, module_id: int):
    programme = access.programme_for(request, pk, *RUNS)
    module = programme.training_modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    form = ModuleForm(
        _posted(request), initial={f: getattr(module, f) for f in actions.MODULE_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        actions.module_update(module=module, data=form.cleaned_data)
        messages.success(request, f"The module “{module.title}” has been saved.")
        return redirect("allyship:training", programme.pk)
    return render(
        request,
        "allyship/module_edit.html",
        {"programme": programme, "module": module, "form": form},
    )


@login_required
def progress(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    modules, rows = reports.progress(programme)
    return render(
        request,
        "allyship/progress.html",
        {"programme": programme, "modules": modules, "rows": rows},
    )


@login_required
def shared(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    reflections = [
        (r, [(q, {a.quality: a for a in r.answers.all()}.get(q.code)) for q in model.QUALITIES])
        for r in actions.shared_reflections(programme)
    ]
    return render(
        request, "allyship/shared.html", {"programme": programme, "reflections": reflections}
    )


@login_required
def feedback(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    return render(
        request,
        "allyship/feedback.html",
        {"programme": programme, "questions": reports.feedback(programme), "rule": RULE_LINES},
    )
