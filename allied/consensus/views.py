"""Model builder pages: start a model from a finished workshop, place its themes into domains
and questions (forms first; drag and drop posts the same forms), shape the domains, publish
versions, and export a draft, a published version or the study's model.

Every page reads through `allied.consensus.access`; every change goes through `actions`. A
refused change re-shows the builder with the message beside the form and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from allied.base.errors import Refused
from allied.base.submissions import key_from, with_submission
from allied.consensus import access, actions
from allied.consensus.forms import DomainForm, MergeForm, ModelNameForm, PlaceForm, WorkshopForm
from allied.consensus.models import ModelDraft, PublishedModel
from allied.consensus.trail import items_for, to_model
from allied.core import model as core
from allied.workshops.access import workshop_for
from allied.workshops.models import Workshop

EXPORTS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
EXPORT_LABELS = (
    ("svg", "Figure (SVG, for a paper or a slide)"),
    ("png", "Figure (PNG, 2000 pixels wide)"),
    ("csv", "Table (CSV, for a spreadsheet)"),
    ("html", "Table (HTML, to paste into a document)"),
    ("json", "The whole model with its trail (JSON)"),
)


def _export(model: core.MentoringModel, fmt: str, stem: str) -> HttpResponse:
    """Returns the model as a download in `fmt`; 404 for a format we do not make."""
    if fmt not in EXPORTS:
        raise Http404
    content: str | bytes = {
        "svg": lambda: core.figure_svg(model),
        "png": lambda: core.figure_png(model),
        "csv": lambda: core.table_csv(model),
        "html": lambda: core.table_html(model),
        "json": lambda: core.to_json(model) + "\n",
    }[fmt]()
    response = HttpResponse(content, content_type=EXPORTS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _links(name: str, *args) -> list[tuple[str, str]]:
    """Returns (address, label) for every export of one model."""
    return [(reverse(name, args=[*args, fmt]), label) for fmt, label in EXPORT_LABELS]


def _stem(name: str, version: int | str) -> str:
    return f"{core.code_for(name)}-v{version}"


def _by_question(model: core.MentoringModel, domain: core.Domain) -> list[tuple]:
    return [
        (question, [t for t in domain.themes if t.question == question.code])
        for question in model.questions
    ]


# Starting a model from a workshop ---------------------------------------------------------


@login_required
def model_new(request, pk: int):
    """From a finished workshop: name a new model and start building it."""
    workshop = workshop_for(request, pk, *access.BUILDS)
    finished = workshop.status == Workshop.Status.FINISHED
    form = ModelNameForm(
        request.POST if request.method == "POST" else None,
        initial={"name": f"Mentoring model from {workshop.title}"[:200]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft, made = actions.draft_create(
                workshop=workshop,
                name=form.cleaned_data["name"],
                by=request.user,
                submission=key_from(request.POST),
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            if made:
                messages.success(request, "Your model has been started from the study's domains.")
            return redirect("consensus:draft", draft.pk)
    drafts = access.drafts_for(request.user).filter(workshops=workshop)
    context = {"workshop": workshop, "form": form, "finished": finished, "drafts": drafts}
    return render(request, "consensus/new.html", with_submission(context, request.POST))


# The builder ------------------------------------------------------------------------------


def _builder(request, draft: ModelDraft, failed=None, target: str = "", status: int = 200):
    """Renders the builder; `failed` is a refused form, shown in place of `target`'s with its
    errors and summarised at the top."""
    items = items_for(draft)
    frame = draft.frame()
    latest = draft.latest_version()
    model = to_model(draft, items, version=(latest.version if latest else 0) + 1)
    builds = request.draft_role in access.BUILDS

    def place_form(item):
        if target == f"item:{item.key}":
            return failed
        placement = item.placement
        return PlaceForm(
            frame=frame,
            auto_id=f"{item.key}-%s",
            initial={
                "item": item.key,
                "domain": placement.domain if placement else "",
                "question": placement.question if placement else "",
                "note": placement.note if placement else "",
            },
        )

    def domain_form(domain):
        if target == f"domain:{domain.code}":
            return failed
        return DomainForm(
            auto_id=f"domain-{domain.code}-%s",
            initial={"name": domain.name, "definition": domain.definition},
        )

    others = [
        w
        for w in access.buildable_workshops(request.user, draft.organisation)
        if not draft.workshops.filter(pk=w.pk).exists()
    ]
    context = {
        "draft": draft,
        "model": model,
        "builds": builds,
        "form": failed,
        "items": [(item, place_form(item) if builds else None) for item in items],
        "domains": [
            (domain, _by_question(model, domain), domain_form(domain) if builds else None)
            for domain in model.domains
        ],
        "merge_form": failed if target == "merge" else MergeForm(frame=frame, auto_id="merge-%s"),
        "add_form": failed if target == "add" else DomainForm(auto_id="add-%s"),
        "name_form": failed
        if target == "name"
        else ModelNameForm(auto_id="model-%s", initial={"name": draft.name}),
        "workshop_form": failed
        if target == "workshop"
        else WorkshopForm(workshops=others, auto_id="workshop-%s"),
        "others": others,
        "workshops": list(draft.workshops.order_by("date", "title")),
        "versions": list(draft.versions.order_by("-version")),
        "latest": latest,
        "svg": core.figure_svg(model, id_prefix="draft-figure"),
        "figure_text": core.figure_text(model),
        "table": core.model_table(model),
        "export_links": _links("consensus:draft_export", draft.pk),
        "placed": sum(1 for item in items if item.placement),
    }
    return render(request, "consensus/builder.html", context, status=status)


def _done(request, draft: ModelDraft, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("consensus:draft", args=[draft.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
def draft_page(request, pk: int):
    draft = access.draft_for(request, pk)
    return _builder(request, draft)


@login_required
@require_POST
def draft_name(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    form = ModelNameForm(request.POST, auto_id="model-%s")
    if form.is_valid():
        try:
            actions.draft_rename(draft=draft, name=form.cleaned_data["name"], by=request.user)
        except Refused as refused:
            form.add_error("name", str(refused))
        else:
            return _done(request, draft, "The model's name has been saved.", "model-name")
    return _builder(request, draft, form, "name")


@login_required
@require_POST
def item_place(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    key = str(request.POST.get("item", ""))[:40]
    form = PlaceForm(request.POST, frame=draft.frame(), auto_id=f"{key}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.item_place(
                draft=draft,
                key=data["item"],
                domain=data["domain"],
                question=data["question"],
                note=data["note"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            frame = draft.frame()
            return _done(
                request,
                draft,
                f"Placed in {frame.domain(data['domain']).name}, under "
                f"“{frame.question(data['question']).text}”.",
                f"item-{data['item']}",
            )
    return _builder(request, draft, form, f"item:{key}")


@login_required
@require_POST
def item_unplace(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    key = str(request.POST.get("item", ""))[:40]
    try:
        actions.item_unplace(draft=draft, key=key, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("consensus:draft", draft.pk)
    return _done(request, draft, "Taken out of the model.", f"item-{key}")


@login_required
@require_POST
def domain_edit(request, pk: int, code: str):
    draft = access.draft_for(request, pk, *access.BUILDS)
    form = DomainForm(request.POST, auto_id=f"domain-{code}-%s")
    if form.is_valid():
        try:
            actions.domain_edit(
                draft=draft,
                code=code,
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            return _done(request, draft, "The domain has been saved.", f"domain-{code}")
    return _builder(request, draft, form, f"domain:{code}")


@login_required
@require_POST
def domain_add(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    form = DomainForm(request.POST, auto_id="add-%s")
    if form.is_valid():
        try:
            actions.domain_add(
                draft=draft,
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error("name", str(refused))
        else:
            return _done(request, draft, "The domain has been added.", "domains")
    return _builder(request, draft, form, "add")


@login_required
@require_POST
def domains_merge(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    form = MergeForm(request.POST, frame=draft.frame(), auto_id="merge-%s")
    if form.is_valid():
        try:
            actions.domains_merge(
                draft=draft,
                keep=form.cleaned_data["keep"],
                absorb=form.cleaned_data["absorb"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            return _done(request, draft, "The domains have been merged.", "domains")
    return _builder(request, draft, form, "merge")


@login_required
@require_POST
def workshop_add(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    workshops = access.buildable_workshops(request.user, draft.organisation)
    form = WorkshopForm(request.POST, workshops=workshops, auto_id="workshop-%s")
    if form.is_valid():
        try:
            actions.draft_add_workshop(
                draft=draft, workshop=form.workshops[form.cleaned_data["workshop"]], by=request.user
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            return _done(request, draft, "The workshop's themes have been added.", "themes")
    return _builder(request, draft, form, "workshop")


@login_required
@require_POST
def publish(request, pk: int):
    draft = access.draft_for(request, pk, *access.BUILDS)
    try:
        version, made = actions.draft_publish(draft=draft, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(reverse("consensus:draft", args=[draft.pk]) + "#publish")
    if made:
        messages.success(request, f"Version {version.version} of the model has been published.")
    else:
        messages.success(
            request, f"Nothing has changed since version {version.version} was published."
        )
    return redirect("consensus:published", draft.organisation.slug, version.pk)


@login_required
def draft_export(request, pk: int, fmt: str):
    draft = access.draft_for(request, pk)
    latest = draft.latest_version()
    number = (latest.version if latest else 0) + 1
    model = to_model(draft, version=number)
    return _export(model, fmt, _stem(draft.name, f"{number}-draft"))


# Published models and the study's ---------------------------------------------------------


@login_required
def model_list(request, org: str):
    """The organisation's models: every published version, and the drafts the person builds."""
    from allied.accounts.access import organisation_for

    organisation = organisation_for(request, org, *access.READS_PUBLISHED)
    published = list(PublishedModel.objects.filter(organisation=organisation).latest_versions())
    drafts = list(access.drafts_for(request.user).filter(organisation=organisation))
    return render(
        request,
        "consensus/list.html",
        {
            "organisation": organisation,
            "published": published,
            "drafts": drafts,
            "study": core.STUDY_MODEL,
        },
    )


def _model_page(request, model: core.MentoringModel, extra: dict) -> HttpResponse:
    context = {
        "model": model,
        "domains": [(d, _by_question(model, d), None) for d in model.domains],
        "svg": core.figure_svg(model, id_prefix="model-figure"),
        "figure_text": core.figure_text(model),
        "table": core.model_table(model),
        **extra,
    }
    return render(request, "consensus/model.html", context)


@login_required
def published_page(request, org: str, pk: int):
    published = access.published_for(request, org, pk)
    versions = (
        list(PublishedModel.objects.filter(draft=published.draft_id).order_by("-version"))
        if published.draft_id
        else [published]
    )
    draft = (
        access.drafts_for(request.user).filter(pk=published.draft_id).first()
        if published.draft_id
        else None
    )
    return _model_page(
        request,
        published.model(),
        {
            "published": published,
            "versions": versions,
            "draft": draft,
            "export_links": _links("consensus:published_export", org, published.pk),
        },
    )


@login_required
def published_export(request, org: str, pk: int, fmt: str):
    published = access.published_for(request, org, pk)
    return _export(published.model(), fmt, _stem(published.name, published.version))


@login_required
def study_page(request):
    """The study's model, which every programme runs on unless it chooses another."""
    return _model_page(
        request, core.STUDY_MODEL, {"study": True, "export_links": _links("consensus:study_export")}
    )


@login_required
def study_export(request, fmt: str):
    return _export(core.STUDY_MODEL, fmt, "study-model-v1")
