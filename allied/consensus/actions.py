"""Every change to a model draft, each in a transaction with the draft locked, so two people
building the same model never lose each other's work. A `ConsensusError` carries a message
for the person and means nothing changed.

Domain edits go through the core's pure functions (`allied.core.model`), so the rules (no two
domains with one name, a merge keeps every theme) live in one place; the placements follow
the domain codes.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from allied.audit.log import record
from allied.audit.models import Kind
from allied.base.errors import Refused
from allied.consensus.models import ModelDraft, Placement, PublishedModel
from allied.consensus.trail import items_for, to_model
from allied.core import model as core
from allied.workshops.models import Idea, Theme, Workshop

NAME_MAX = 200


class ConsensusError(Refused):
    """What the person tried cannot be done; nothing was changed."""


def _locked(draft: ModelDraft) -> ModelDraft:
    return ModelDraft.objects.select_for_update().get(pk=draft.pk)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ConsensusError("Enter a name for the model.")
    if len(name) > NAME_MAX:
        raise ConsensusError(f"Keep the model's name to {NAME_MAX} characters or fewer.")
    return name


def _changed(draft: ModelDraft, fields: list[str] | None = None) -> None:
    """Saves the draft as changed since its latest version."""
    draft.status = ModelDraft.Status.DRAFT
    draft.save(update_fields=[*(fields or []), "status", "updated_at"])


def _check_workshop(workshop: Workshop, organisation) -> None:
    if workshop.organisation_id != organisation.pk:
        raise ConsensusError("That workshop belongs to another organisation.")
    if workshop.status != Workshop.Status.FINISHED:
        raise ConsensusError("You can build a model from a workshop once it has finished.")


@transaction.atomic
def draft_create(
    *,
    workshop: Workshop,
    name: str,
    by,
    submission: uuid.UUID | None = None,
    frame: core.MentoringModel = core.STUDY_MODEL,
) -> tuple[ModelDraft, bool]:
    """Returns (draft, made): a new draft built from the finished workshop, starting from the
    study's domains and questions. A resent form (the same `submission`) returns the draft the
    first one made."""
    if submission is not None:
        earlier = ModelDraft.objects.filter(submission=submission).first()
        if earlier is not None:
            if earlier.organisation_id != workshop.organisation_id:
                raise ConsensusError("This form was already used for something else.")
            return earlier, False
    _check_workshop(workshop, workshop.organisation)
    name = _clean_name(name)
    try:
        with transaction.atomic():
            draft = ModelDraft.objects.create(
                organisation=workshop.organisation,
                name=name,
                document=core.to_json(core.without_themes(frame)),
                created_by=by,
                submission=submission,
            )
    except IntegrityError:
        earlier = ModelDraft.objects.filter(submission=submission).first()
        if earlier is None:
            raise ConsensusError("This form was already used.") from None
        return earlier, False
    draft.workshops.add(workshop)
    return draft, True


@transaction.atomic
def draft_rename(*, draft: ModelDraft, name: str, by) -> ModelDraft:
    """Renames the model (from its next version on)."""
    draft = _locked(draft)
    name = _clean_name(name)
    if name != draft.name:
        draft.name = name
        _changed(draft, ["name"])
    return draft


@transaction.atomic
def draft_add_workshop(*, draft: ModelDraft, workshop: Workshop, by) -> ModelDraft:
    """Adds another finished workshop of the organisation (another group, or another of its
    questions), whose themes can then be placed too. Adding one twice changes nothing."""
    draft = _locked(draft)
    _check_workshop(workshop, draft.organisation)
    if not draft.workshops.filter(pk=workshop.pk).exists():
        draft.workshops.add(workshop)
        _changed(draft)
    return draft


def _item(draft: ModelDraft, key: str) -> Theme | Idea:
    """Returns the theme or idea a form's key names, if it comes from one of the draft's
    workshops (ideas merged into another are not on the ballot, so not placeable)."""
    kind, _, number = key.partition("-")
    # isdigit() alone lets "²" through, which int() refuses.
    if not (number.isascii() and number.isdigit() and len(number) < 19):
        raise ConsensusError("Choose a theme or an idea from this model's workshops.")
    workshops = draft.workshops.all()
    found: Theme | Idea | None
    if kind == "theme":
        found = Theme.objects.filter(pk=int(number), question__workshop__in=workshops).first()
    elif kind == "idea":
        found = Idea.objects.filter(
            pk=int(number),
            question__workshop__in=workshops,
            theme__isnull=True,
            merged_into__isnull=True,
        ).first()
    else:
        found = None
    if found is None:
        raise ConsensusError("Choose a theme or an idea from this model's workshops.")
    return found


@transaction.atomic
def item_place(
    *, draft: ModelDraft, key: str, domain: str, question: str, note: str = "", by
) -> Placement:
    """Places a theme (or an idea in no theme) in a domain under a question, or moves it there.
    Placing it again where it already is changes nothing."""
    draft = _locked(draft)
    found = _item(draft, key)
    frame = draft.frame()
    try:
        core.place(frame, core.ThemeRef(key, "placed", question), domain, question)
    except core.ModelError as exc:
        raise ConsensusError(
            "Choose one of this model's domains and one of its questions."
        ) from exc
    note = note.strip()
    if len(note) > 500:
        raise ConsensusError("Keep the note to 500 characters or fewer.")
    target = {"theme": found} if isinstance(found, Theme) else {"idea": found}
    placement = Placement.objects.filter(draft=draft, **target).first()
    if placement is None:
        placement = Placement.objects.create(
            draft=draft, domain=domain, question=question, note=note, placed_by=by, **target
        )
    elif (placement.domain, placement.question, placement.note) == (domain, question, note):
        return placement
    else:
        placement.domain, placement.question, placement.note = domain, question, note
        placement.placed_by = by
        placement.save()
    _changed(draft)
    return placement


@transaction.atomic
def item_unplace(*, draft: ModelDraft, key: str, by) -> None:
    """Takes a theme or idea out of the model; taking out one not placed changes nothing."""
    draft = _locked(draft)
    found = _item(draft, key)
    target = {"theme": found} if isinstance(found, Theme) else {"idea": found}
    deleted, _ = Placement.objects.filter(draft=draft, **target).delete()
    if deleted:
        _changed(draft)


def _frame_change(draft: ModelDraft, change) -> ModelDraft:
    draft = _locked(draft)
    frame = core.from_json(draft.document)
    try:
        changed = change(frame)
    except core.ModelError as exc:
        raise ConsensusError(" ".join(exc.problems)) from exc
    if changed != frame:
        draft.document = core.to_json(changed)
        _changed(draft, ["document"])
    return draft


@transaction.atomic
def domain_edit(*, draft: ModelDraft, code: str, name: str, definition: str, by) -> ModelDraft:
    """Renames a domain and rewrites its definition."""
    return _frame_change(
        draft,
        lambda frame: core.define_domain(core.rename_domain(frame, code, name), code, definition),
    )


@transaction.atomic
def domain_add(*, draft: ModelDraft, name: str, definition: str = "", by) -> ModelDraft:
    """Adds a domain after the others."""
    return _frame_change(draft, lambda frame: core.add_domain(frame, name, definition))


@transaction.atomic
def domains_merge(*, draft: ModelDraft, keep: str, absorb: str, name: str = "", by) -> ModelDraft:
    """Merges domain `absorb` into `keep` (optionally renaming it): its themes move across."""
    draft = _frame_change(
        draft, lambda frame: core.merge_domains(frame, keep, absorb, name=name.strip() or None)
    )
    Placement.objects.filter(draft=draft, domain=absorb).update(domain=keep)
    return draft


@transaction.atomic
def draft_publish(*, draft: ModelDraft, by) -> tuple[PublishedModel, bool]:
    """Returns (version, made): a new published version holding the whole model and its
    trail, or the latest version when nothing has changed since it (so a resent form makes
    no second version). Older versions are never touched."""
    draft = _locked(draft)
    latest = draft.latest_version()
    if latest is not None and draft.status == ModelDraft.Status.PUBLISHED:
        return latest, False
    items = items_for(draft)
    if not any(item.placement for item in items):
        raise ConsensusError("Place at least one theme in the model before publishing it.")
    number = (latest.version if latest else 0) + 1
    model = core.validate(to_model(draft, items, version=number))
    published = PublishedModel.objects.create(
        organisation=draft.organisation,
        draft=draft,
        name=draft.name,
        version=number,
        json=core.to_json(model),
        published_by=by,
    )
    draft.status = ModelDraft.Status.PUBLISHED
    draft.save(update_fields=["status", "updated_at"])
    record(
        Kind.MODEL_PUBLISHED,
        actor=by,
        organisation=draft.organisation,
        subject=f"{published.name} (version {published.version})"[:200],
        draft=draft.pk,
        version=published.version,
    )
    return published, True
