"""Workshop pages: setting up, the facilitator's console, the participant's screen, results
and exports. Every change goes through `actions`; every page reads through `access`."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from allied import live
from allied.accounts import throttle
from allied.accounts.access import organisation_for
from allied.accounts.models import Membership
from allied.audit.log import record
from allied.audit.models import Kind
from allied.core import reporting
from allied.workshops import access, actions, appendix, exports, handlers, results
from allied.workshops.forms import (
    BriefingFileForm,
    CharacteristicsForm,
    ConsentForm,
    JoinCodeForm,
    ParticipantForm,
    QuestionForm,
    StaffForm,
    WorkshopDetailsForm,
    WorkshopForm,
)
from allied.workshops.models import (
    Admission,
    BriefingFile,
    Characteristics,
    Participant,
    Phase,
    PhaseChange,
    StaffRole,
    Workshop,
    WorkshopStaff,
    digest,
)
from allied.workshops.state import live_state


@login_required
def workshop_list(request):
    workshops = access.workshops_for(request.user).select_related("organisation")
    may_create = Membership.objects.filter(
        user=request.user, role__in=access.FACILITATES
    ).select_related("organisation")
    return render(
        request,
        "workshops/list.html",
        {"workshops": workshops, "organisations": [m.organisation for m in may_create]},
    )


@login_required
def workshop_create(request, org: str):
    organisation = organisation_for(request, org, *access.FACILITATES)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = handlers.workshop_from_form(
            organisation=organisation, by=request.user, data=form.cleaned_data
        )
        messages.success(
            request,
            "The workshop has been created. Add participants, then start it when the group is ready.",
        )
        return redirect("workshops:detail", workshop.pk)
    return render(request, "workshops/create.html", {"form": form, "organisation": organisation})


@login_required
def workshop_detail(request, pk: int):
    workshop = access.workshop_for(request, pk)
    role = request.workshop_role
    participants = workshop.participants.all()
    return render(
        request,
        "workshops/detail.html",
        {
            "workshop": workshop,
            "role": role,
            "runs": access.runs(role) or role == "admin",
            "sees_identities": access.sees_identities(role),
            "participants": participants,
            "staff": workshop.staff.select_related("user"),
            "questions": workshop.questions.all(),
            "participant_form": ParticipantForm(),
            "briefing_form": BriefingFileForm(),
            "files": workshop.files.all(),
            "staff_form": StaffForm(),
            "join_url": request.build_absolute_uri(
                reverse("workshops:join_code", args=[workshop.join_code])
            ),
        },
    )


@login_required
def workshop_edit(request, pk: int):
    """Title, purpose, briefing, date, consent statement, the most participants and whether
    ballots are shuffled. A changed consent statement is a new version: people who accepted
    the old one keep that record. A limit below the places already taken stops further
    joins; it removes nobody. The ballot order is fixed once voting has begun."""
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    fields = [
        "title",
        "purpose",
        "briefing",
        "date",
        "consent_statement",
        "participant_limit",
        "shuffle_ballots",
    ]
    form = WorkshopDetailsForm(
        request.POST or None,
        initial={f: getattr(workshop, f) for f in [*fields, "anonymity"]},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data["shuffle_ballots"] != workshop.shuffle_ballots
        and PhaseChange.objects.filter(question__workshop=workshop, to_phase=Phase.VOTING).exists()
    ):
        # The methods paragraph says how every ballot listed the ideas: that stays true.
        form.add_error(
            "shuffle_ballots",
            "Voting has begun, so the order of the ideas on the ballots can no longer change",
        )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = actions.anonymity_set(
                workshop=workshop,
                anonymity=form.cleaned_data["anonymity"] or workshop.anonymity,
                by=request.user,
            )
        except actions.WorkshopError as error:
            form.add_error("anonymity", str(error))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["consent_statement"].strip() != workshop.consent_statement.strip():
            workshop.consent_version += 1
        for field in fields:
            setattr(workshop, field, form.cleaned_data[field])
        # Only these: a whole save could undo a move made meanwhile (its version, its phase).
        workshop.save(update_fields=[*fields, "consent_version"])
        messages.success(request, "The workshop's details have been saved.")
        return redirect("workshops:detail", pk)
    return render(
        request,
        "workshops/edit.html",
        {"workshop": workshop, "form": form, "heading": "Workshop details"},
    )


@login_required
def question_edit(request, pk: int, question_id: int):
    """A question's wording, voting scheme and timing, while the workshop is a draft."""
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, StaffRole.CO_FACILITATOR, "admin")
    question = workshop.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    if workshop.status != Workshop.Status.DRAFT:
        messages.error(request, "Questions can be changed only before the workshop starts.")
        return redirect("workshops:detail", pk)
    form = QuestionForm(
        request.POST or None,
        initial={f: getattr(question, f) for f in actions.QUESTION_SETTINGS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.question_update(
                question=question,
                by=request.user,
                **{f: form.cleaned_data[f] for f in actions.QUESTION_SETTINGS},
            )
        except actions.WorkshopError as error:
            messages.error(request, str(error))
            return redirect("workshops:detail", pk)
        messages.success(request, f"Question {question.order} has been saved.")
        return redirect("workshops:detail", pk)
    return render(
        request,
        "workshops/edit.html",
        {"workshop": workshop, "form": form, "heading": f"Question {question.order}"},
    )


@login_required
@require_POST
def participant_add(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.RUNS, "admin")
    form = ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("workshops:detail", pk)
    participant, token = actions.participant_add(
        workshop=workshop,
        real_name=form.cleaned_data["real_name"],
        email=form.cleaned_data["email"],
        by=request.user,
    )
    if participant.email:
        actions.participant_invitation_send(
            request=request, workshop=workshop, participant=participant, token=token
        )
        messages.success(
            request, f"{participant.pseudonym} has been added and sent a personal link."
        )
    else:
        messages.success(
            request,
            f"{participant.pseudonym} has been added. They can join with the code {workshop.join_code}.",
        )
    return redirect("workshops:detail", pk)


@login_required
@require_POST
def briefing_add(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.RUNS, "admin")
    form = BriefingFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        BriefingFile.objects.create(
            workshop=workshop, file=upload, name=upload.name[:200], uploaded_by=request.user
        )
        messages.success(request, f"{upload.name} has been added to the briefing pack.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("workshops:detail", pk)


def _download(item: BriefingFile):
    from django.http import FileResponse

    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.name)


@login_required
def briefing_file(request, pk: int, file_id: int):
    workshop = access.workshop_for(request, pk)
    item = workshop.files.filter(pk=file_id).first()
    if item is None:
        raise Http404
    return _download(item)


def participant_briefing_file(request, code: str, file_id: int):
    workshop, participant = access.participant_for(request, code)
    ended = participant is None or access.finished(workshop)
    item = None if ended else workshop.files.filter(pk=file_id).first()
    if item is None:
        raise Http404
    return _download(item)


@login_required
@require_POST
def staff_add(request, pk: int):
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    form = StaffForm(request.POST)
    if form.is_valid():
        user = access.member_by_email(workshop.organisation, form.cleaned_data["email"])
        if user is None:
            messages.error(
                request,
                "There is nobody with that email address in your organisation. Invite them first.",
            )
        else:
            WorkshopStaff.objects.update_or_create(
                workshop=workshop, user=user, defaults={"role": form.cleaned_data["role"]}
            )
            messages.success(
                request,
                f"{user.full_name} is now {dict(StaffRole.choices)[form.cleaned_data['role']].lower()}.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("workshops:detail", pk)


@login_required
@require_POST
def workshop_start(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.RUNS)
    try:
        actions.workshop_start(workshop=workshop, by=request.user)
    except actions.WorkshopError as error:
        messages.error(request, str(error))
        return redirect("workshops:detail", pk)
    return redirect("workshops:run", pk)


@login_required
def workshop_identities(request, pk: int):
    """The key from pseudonyms to people: lead facilitator and organisation admin only."""
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    record(
        Kind.SPECIAL_CATEGORY_VIEWED,
        request=request,
        organisation=workshop.organisation,
        subject=f"Pseudonym key of workshop {workshop.pk}",
    )
    return render(
        request,
        "workshops/identities.html",
        {"workshop": workshop, "participants": workshop.participants.all()},
    )


# The facilitator's console --------------------------------------------------------------


def _console_context(request, workshop: Workshop) -> dict:
    question = workshop.current_question
    role = request.workshop_role
    context = {
        "workshop": workshop,
        "state": live_state(workshop, staff=True),
        "question": question,
        "role": role,
        "waiting": actions.waiting(workshop) if workshop.status == Workshop.Status.LIVE else [],
        "runs": access.runs(role),
        "takes_notes": access.takes_notes(role),
        "phase_key": actions.phase_key(question),
        "Phase": Phase,
        "new_client_id": uuid.uuid4(),
    }
    if question is not None:
        context["ideas"] = list(
            question.ideas.select_related("theme", "participant", "merged_into")
        )
        context["notes"] = question.notes.select_related("idea", "by")
        context["order"] = actions.turn_order(workshop)
        context["phase_log"] = question.phase_changes.select_related("by")
    return context


@login_required
def workshop_run(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER)
    if workshop.status == Workshop.Status.DRAFT:
        return redirect("workshops:detail", pk)
    return render(request, "workshops/run.html", _console_context(request, workshop))


@login_required
def workshop_run_fragment(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER)
    return render(request, "workshops/_console_live.html", _console_context(request, workshop))


def _present_context(request, workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "state": live_state(workshop),
        "join_address": request.build_absolute_uri(reverse("workshops:join")),
        # Where and how to join, while joining by code lets people straight in.
        "show_join": workshop.status == Workshop.Status.DRAFT
        or (workshop.status == Workshop.Status.LIVE and not actions.admission_needed(workshop)),
    }


@login_required
def workshop_present(request, pk: int):
    """The screen for the room: a projector or a shared screen in a call. Large type and no
    controls; only what every participant's own screen shows, so nothing on it is private."""
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER, "admin")
    return render(request, "workshops/present.html", _present_context(request, workshop))


@login_required
def workshop_present_fragment(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER, "admin")
    return render(request, "workshops/_present_live.html", _present_context(request, workshop))


@login_required
@never_cache
def workshop_state(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER, "admin")
    return JsonResponse(live_state(workshop, staff=True))


@login_required
@transaction.non_atomic_requests
def workshop_events(request, pk: int):
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER, "admin")
    return _events(request, workshop)


def _events(request, workshop: Workshop):
    """Returns the workshop's event stream. The request's own database connection goes back
    to the pool first: a stream stays open for minutes, and reads its versions on threads of
    its own."""
    since = request.GET.get("since") or request.headers.get("Last-Event-ID") or "0"
    try:
        since_version = int(since)
    except ValueError:
        since_version = 0
    if not connection.in_atomic_block:  # (a test's transaction wraps the whole test)
        connection.close()
    return live.event_stream_response(
        request,
        workshop.channel,
        since_version,
        lambda: Workshop.objects.values_list("version", flat=True).get(pk=workshop.pk),
    )


def _client_id(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        # A form without a client id still works; it just is not protected against retries.
        return uuid.uuid4()


@login_required
@require_POST
def workshop_act(request, pk: int):
    """Every facilitator and note-taker action, posted from the console."""
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES)
    post = request.POST
    name = post.get("action", "")

    def run() -> str:
        if name not in handlers.CONSOLE_ACTIONS:
            raise actions.WorkshopError("That is not something the console can do.")
        needs, handler = handlers.CONSOLE_ACTIONS[name]
        if needs == "runs" and not access.runs(request.workshop_role):
            raise actions.WorkshopError(
                "Only a facilitator can do that; a note-taker can add notes."
            )
        if workshop.current_question is None:
            raise actions.WorkshopError("The workshop is not on a question.")
        return handler(
            request=request,
            workshop=workshop,
            question=workshop.current_question,
            post=post,
            seen=post.get("phase_key") or None,
            ctx=_Helpers,
        )

    return _acted(request, workshop, run, reverse("workshops:run", args=[pk]))


def _acted(request, workshop: Workshop, run, back: str):
    """Runs one action and answers it: JSON to a client that asks for it (409 with the
    message when the action was refused), else a message and a redirect to `back`."""
    try:
        message = run()
    except actions.WorkshopError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=409)
        messages.error(request, str(error))
        return redirect(back)
    if _wants_json(request):
        workshop.refresh_from_db(fields=["version"])
        return JsonResponse({"ok": True, "message": message, "version": workshop.version})
    if message:
        messages.success(request, message)
    return redirect(back)


class _Helpers:
    idea = staticmethod(handlers.idea_in)
    participant = staticmethod(handlers.joined_participant)
    client_id = staticmethod(_client_id)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# Results and exports ----------------------------------------------------------------------


@login_required
def workshop_results(request, pk: int):
    workshop = access.workshop_for(request, pk)
    context = exports.results_context(workshop)
    context["writes_appendix"] = request.workshop_role in (StaffRole.LEAD, "admin")
    return render(request, "workshops/results.html", context)


@login_required
def workshop_export(request, pk: int, fmt: str):
    workshop = access.workshop_for(request, pk)
    if fmt not in exports.FORMATS:
        raise Http404
    content, content_type, filename = exports.export(workshop, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _appendix_workshops(request, pk: int) -> tuple[Workshop, list[Workshop]]:
    """Returns the workshop and the finished workshops its appendix covers: itself and those
    chosen with `with`, each of the same organisation and led (or administered) by the person.
    Ethnicity and other characteristics are in it, counted under the small-number rule, so
    only the lead facilitator and the organisation admin may open it, and each view is
    recorded."""
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    chosen = {value for value in request.GET.getlist("with") if value.isdigit()}
    others = [
        other
        for other in access.workshops_for(request.user)
        .filter(organisation=workshop.organisation, status=Workshop.Status.FINISHED, pk__in=chosen)
        .exclude(pk=workshop.pk)
        .order_by("date", "pk")
        if access.staff_role(request.user, other) in (StaffRole.LEAD, "admin")
    ]
    return workshop, [workshop, *others]


@login_required
def workshop_appendix(request, pk: int):
    """The methods and reporting appendix of a finished workshop (or several pooled), with
    its ACCORD and COREQ checklists, to read and to download as Markdown or Word."""
    workshop, workshops = _appendix_workshops(request, pk)
    context = {
        "workshop": workshop,
        "workshops": workshops,
        "appendix": None,
        "to_add": reporting.TO_ADD,
    }
    if workshop.status == Workshop.Status.FINISHED:
        record(
            Kind.SPECIAL_CATEGORY_VIEWED,
            request=request,
            organisation=workshop.organisation,
            subject=f"Reporting appendix of workshop {', '.join(str(w.pk) for w in workshops)}",
        )
        context["appendix"] = appendix.build(workshops)
        context["others"] = [
            w
            for w in access.workshops_for(request.user)
            .filter(organisation=workshop.organisation, status=Workshop.Status.FINISHED)
            .exclude(pk=workshop.pk)
            .order_by("date", "pk")
            if access.staff_role(request.user, w) in (StaffRole.LEAD, "admin")
        ]
        context["query"] = urlencode([("with", w.pk) for w in workshops[1:]])
    return render(request, "workshops/appendix.html", context)


@login_required
def workshop_appendix_file(request, pk: int, fmt: str):
    if fmt not in ("md", "docx"):
        raise Http404
    workshop, workshops = _appendix_workshops(request, pk)
    if workshop.status != Workshop.Status.FINISHED:
        # The page says why there is nothing to download yet.
        return redirect("workshops:appendix", pk)
    record(
        Kind.SPECIAL_CATEGORY_VIEWED,
        request=request,
        organisation=workshop.organisation,
        subject=f"Reporting appendix of workshop {', '.join(str(w.pk) for w in workshops)} ({fmt})",
    )
    built = appendix.build(workshops)
    name = f"workshop-{workshop.pk}-appendix.{fmt}"
    if fmt == "md":
        response = HttpResponse(
            reporting.to_markdown(built), content_type="text/markdown; charset=utf-8"
        )
    else:
        response = HttpResponse(
            reporting.to_docx(built),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def workshop_pooled(request, pk: int):
    """One question pooled across several workshops of the organisation (several groups)."""
    workshop = access.workshop_for(request, pk)
    others = list(
        access.workshops_for(request.user)
        .filter(organisation=workshop.organisation)
        .exclude(pk=workshop.pk)
    )
    chosen_ids = {value for value in request.GET.getlist("with") if value.isdigit()}
    chosen = [w for w in others if str(w.pk) in chosen_ids]
    order = request.GET.get("question", "")
    question = workshop.questions.filter(order=int(order)).first() if order.isdigit() else None
    error, pooled = None, None
    if request.GET:
        if question is None:
            error = "Choose one of this workshop's questions."
        elif not chosen:
            error = "Choose at least one other workshop to pool with."
        else:
            matching = [question] + [
                q for w in chosen for q in w.questions.filter(order=question.order)
            ]
            if any(q.scheme != question.scheme or q.k != question.k for q in matching):
                error = "The workshops voted on this question in different ways, so their scores cannot be pooled."
            else:
                pooled = results.pooled(matching)
                if pooled is None:
                    error = "Nobody has voted on this question in every one of those workshops yet."
    context = {
        "workshop": workshop,
        "others": others,
        "chosen_ids": chosen_ids,
        "question": question,
    }
    return render(request, "workshops/pooled.html", {**context, "pooled": pooled, "error": error})


@login_required
def question_ballots(request, pk: int, question_id: int):
    workshop = access.workshop_for(request, pk)
    question = workshop.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    from allied.workshops.results import ballots_csv

    response = HttpResponse(ballots_csv(question), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="workshop-{workshop.pk}-question-{question.order}-ballots.csv"'
    )
    return response


@login_required
def workshop_characteristics(request, pk: int):
    """Counts of participants' characteristics for a methods section: lead facilitator only,
    with a warning, and every view audited."""
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    record(
        Kind.SPECIAL_CATEGORY_VIEWED,
        request=request,
        organisation=workshop.organisation,
        subject=f"Participant characteristics of workshop {workshop.pk}",
    )
    return render(
        request,
        "workshops/characteristics.html",
        {"workshop": workshop, "tables": exports.characteristics_tables(workshop)},
    )


# Participants ---------------------------------------------------------------------------


def join(request):
    form = JoinCodeForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = throttle.guess_refusal(request)
        if refusal:
            form.add_error("code", refusal.message)
        elif (
            Workshop.objects.filter(join_code=form.cleaned_data["code"])
            .exclude(status=Workshop.Status.FINISHED)
            .exists()
        ):
            return redirect("workshops:join_code", form.cleaned_data["code"])
        else:
            throttle.guess_failed(request)
            form.add_error(
                "code", "There is no workshop with that code. Check it with your facilitator"
            )
    return throttle.refused(render(request, "workshops/join.html", {"form": form}), refusal)


def join_code(request, code: str, token: str | None = None):
    """Consent, then joining: by the workshop's code, or by a personal invitation link. A
    client that has guessed too many codes is refused whether this one exists or not, unless
    it has already joined this workshop."""
    refusal = throttle.guess_refusal(request)
    too_many = (
        throttle.refused(
            render(request, "accounts/too_many_attempts.html", {"refusal": refusal}), refusal
        )
        if refusal
        else None
    )
    try:
        workshop, participant = access.participant_for(request, code)
    except Http404:
        if too_many:
            return too_many
        throttle.guess_failed(request)
        raise
    if participant is not None:
        return redirect("workshops:participate", workshop.join_code)
    if too_many:
        return too_many
    invited = None
    if token is not None:
        invited = workshop.participants.filter(invite_digest=digest(token)).first()
        if invited is None:
            throttle.guess_failed(request)
            raise Http404
    # Said before the consent form, not after it: a used link, or a full workshop.
    refusal = (
        actions.LINK_USED
        if invited is not None and invited.consented_at is not None
        else actions.FULL
        if invited is None and actions.is_full(workshop)
        else None
    )
    form = ConsentForm(request.POST or None)
    if refusal is None and request.method == "POST" and form.is_valid():
        session_token = access.bind_browser(request, workshop)
        try:
            participant = actions.participant_consent(
                workshop=workshop, participant=invited, session_token=session_token
            )
        except actions.WorkshopError as error:
            refusal = str(error)
        else:
            return redirect("workshops:about_you", workshop.join_code)
    if refusal is not None:
        return render(
            request,
            "workshops/cannot_join.html",
            {"workshop": workshop, "message": refusal, "full": refusal == actions.FULL},
            status=409,
        )
    late = invited is None and actions.admission_needed(workshop)
    return render(
        request, "workshops/consent.html", {"workshop": workshop, "form": form, "late": late}
    )


def about_you(request, code: str):
    workshop, participant = access.participant_for(request, code)
    if participant is None:
        return redirect("workshops:join_code", workshop.join_code)
    if access.finished(workshop) or participant.admission == Admission.TURNED_AWAY:
        return redirect("workshops:participate", workshop.join_code)
    existing = Characteristics.objects.filter(participant=participant).first()
    initial = (
        {}
        if existing is None
        else {f: getattr(existing, f) for f in CharacteristicsForm.base_fields}
    )
    form = CharacteristicsForm(request.POST or None, initial=initial)
    if request.method == "POST" and (request.POST.get("skip") or form.is_valid()):
        if not request.POST.get("skip"):
            try:
                actions.characteristics_save(participant=participant, answers=form.cleaned_data)
            except actions.WorkshopError as error:
                messages.error(request, str(error))
        return redirect("workshops:participate", workshop.join_code)
    return render(
        request,
        "workshops/about_you.html",
        {"workshop": workshop, "participant": participant, "form": form},
    )


REFUSED_BALLOT = "allied_refused_ballot"


def _keep_refused_ballot(request, workshop: Workshop, post, message: str) -> None:
    """Keeps what a participant typed on a ballot that was refused, with what is wrong with
    each field, for the page to show it again (once) instead of emptying every box."""
    question = workshop.current_question
    if question is None:
        return
    request.session[REFUSED_BALLOT] = {
        "question": question.pk,
        "round": question.vote_round,
        "typed": {
            str(idea.pk): (post.get(f"idea-{idea.pk}") or "")[:20]
            for idea in handlers.round_ideas(question)
        },
        "errors": {
            str(pk): error for pk, error in handlers.ballot_field_errors(question, post).items()
        },
        "message": message,
    }


def _participant_context(
    workshop: Workshop,
    participant: Participant,
    refused: dict | None = None,
    *,
    whole_page: bool = True,
) -> dict:
    """What a participant's page shows; `refused`, a ballot kept by _keep_refused_ballot,
    is shown again with its errors when it belongs to this question's open round. The live
    part alone (`whole_page` False), fetched by every screen at every change, leaves out the
    ballot, which only the whole page shows."""
    question = workshop.current_question
    context = {
        "workshop": workshop,
        "participant": participant,
        "state": live_state(workshop),
        "question": question,
        "phase_key": actions.phase_key(question),
        "Phase": Phase,
    }
    if question is not None:
        context["drafts"] = participant.drafts.filter(question=question)
        context["is_done"] = participant.done_with_id == question.pk
        context["new_client_id"] = uuid.uuid4()
    if question is not None and whole_page and question.phase == Phase.VOTING:
        ballot = participant.ballots.filter(
            question=question, vote_round=question.vote_round
        ).first()
        context["my_votes"] = {c.idea_id: c.value for c in ballot.choices.all()} if ballot else {}
        context["has_voted"] = ballot is not None
        set_aside = (
            None
            if ballot is not None
            else participant.set_aside_ballots.filter(
                question=question, vote_round=question.vote_round
            ).last()
        )
        if set_aside is not None:
            context["my_votes"] = handlers.earlier_choices(question, set_aside.idea_values)
        context["vote_set_aside"] = set_aside is not None
        if not (
            refused
            and question.phase == Phase.VOTING
            and refused["question"] == question.pk
            and refused["round"] == question.vote_round
        ):
            refused = None
        context["ballot_rows"] = handlers.ballot_rows(
            question,
            context["my_votes"],
            typed=refused and refused["typed"],
            errors=refused and refused["errors"],
            participant=participant,
        )
        context["ballot_refused"] = refused
        context["ballot_error_links"] = handlers.error_links(context["ballot_rows"])
    return context


def _waiting_context(workshop: Workshop, participant: Participant) -> dict:
    """What someone waiting to be let in (or turned away) sees: their pseudonym, and the
    key their page reloads on when the facilitator decides."""
    return {
        "workshop": workshop,
        "participant": participant,
        "phase_key": participant.admission,
        "turned_away": participant.admission == Admission.TURNED_AWAY,
    }


def participate(request, code: str):
    workshop, participant = access.participant_for(request, code)
    if access.destroyed_but_took_part(workshop, participant):
        return render(request, "workshops/finished.html", {"workshop": workshop})
    if participant is None:
        return redirect("workshops:join_code", workshop.join_code)
    if access.finished(workshop):
        return render(
            request, "workshops/finished.html", {"workshop": workshop, "participant": participant}
        )
    if not participant.admitted:
        return render(request, "workshops/waiting.html", _waiting_context(workshop, participant))
    refused = request.session.pop(REFUSED_BALLOT, None)
    return render(
        request,
        "workshops/participate.html",
        _participant_context(workshop, participant, refused),
    )


def participation_list(request, code: str):
    """Who took part in each round, by pseudonym, never what they chose: for anyone taking
    part to check that they were counted."""
    workshop, participant = access.participant_for(request, code)
    if participant is None or not participant.admitted:
        raise Http404
    return render(
        request,
        "workshops/participation.html",
        {
            "workshop": workshop,
            "me": participant,
            "questions": results.participation(workshop),
        },
    )


def participate_fragment(request, code: str):
    workshop, participant = access.participant_for(request, code)
    if access.destroyed_but_took_part(workshop, participant):
        return render(request, "workshops/_finished.html", {"workshop": workshop})
    if participant is None:
        raise Http404
    if access.finished(workshop):
        return render(request, "workshops/_finished.html", {"workshop": workshop})
    if not participant.admitted:
        return render(request, "workshops/_waiting.html", _waiting_context(workshop, participant))
    return render(
        request,
        "workshops/_participant_live.html",
        _participant_context(workshop, participant, whole_page=False),
    )


@never_cache
def participate_state(request, code: str):
    workshop, participant = access.participant_for(request, code)
    if participant is None and not access.destroyed_but_took_part(workshop, participant):
        raise Http404
    if access.finished(workshop):
        # Only what a page needs to reload into "The workshop has finished".
        return JsonResponse(
            {"version": workshop.version, "status": workshop.status, "phase_key": workshop.status}
        )
    if not participant.admitted:
        # Only what the waiting page needs to reload when the facilitator decides.
        return JsonResponse(
            {
                "version": workshop.version,
                "status": workshop.status,
                "phase_key": participant.admission,
            }
        )
    return JsonResponse(live_state(workshop))


@transaction.non_atomic_requests
def participate_events(request, code: str):
    workshop, participant = access.participant_for(request, code)
    if participant is None and not access.destroyed_but_took_part(workshop, participant):
        raise Http404
    return _events(request, workshop)


@require_POST
def participate_act(request, code: str):
    """A participant's own actions: saving a private idea, taking a turn, voting."""
    workshop, participant = access.participant_for(request, code)
    if participant is None:
        raise Http404
    post = request.POST
    name = post.get("action", "")

    def run() -> str:
        if access.finished(workshop):
            raise actions.WorkshopError("This workshop has finished.")
        if workshop.current_question is None:
            raise actions.WorkshopError("The workshop is not on a question.")
        if name not in handlers.PARTICIPANT_ACTIONS:
            raise actions.WorkshopError("That is not something you can do here.")
        return handlers.PARTICIPANT_ACTIONS[name](
            request=request,
            workshop=workshop,
            question=workshop.current_question,
            participant=participant,
            post=post,
            seen=post.get("phase_key") or None,
            ctx=_Helpers,
        )

    back = reverse("workshops:participate", args=[workshop.join_code])
    if name == "vote" and not _wants_json(request):
        try:
            message = run()
        except actions.WorkshopError as error:
            _keep_refused_ballot(request, workshop, post, str(error))
            return redirect(back + "#vote-heading")
        messages.success(request, message)
        return redirect(back)
    return _acted(request, workshop, run, back)
