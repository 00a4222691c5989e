"""Choosing the mentoring model a programme runs on.

A programme keeps the published version it chose (or the study's model) for as long as it
runs. The choice can change only until the first person joins one of its cohorts: after that,
people have answered its questions in its words, and their answers, agreements and reviews
would be read under different ones (docs/decisions/0015-programme-model.md).
"""

from __future__ import annotations

from django.db import transaction

from allied.accounts.models import User
from allied.audit.log import record
from allied.audit.models import Kind
from allied.consensus.catalogue import STUDY
from allied.consensus.models import PublishedModel
from allied.programmes import wording
from allied.programmes.actions.setup import STALE_SETTINGS
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant, Programme

MODEL_LOCKED = (
    "The programme's mentoring model cannot be changed now that people have joined its "
    "cohorts: they have answered its questions in its words. Nothing was changed. To run on "
    "another model, create a new programme."
)
OTHER_MODEL = "Choose one of your organisation's published models. Nothing was changed."


def model_key(programme: Programme) -> str:
    """Returns the `allied.consensus.catalogue` key of the programme's model ("study" or
    the published version's id)."""
    return STUDY if programme.model_id is None else str(programme.model_id)


def model_locked(programme: Programme) -> bool:
    """Whether the programme's model can no longer change: someone holds (or held) a place
    in one of its cohorts. One query."""
    return Participant.objects.filter(cohort__programme=programme).exists()


def unstorable_problem(published: PublishedModel | None) -> str:
    """Returns why a programme cannot run on this version (empty when it can): it asks a
    question the intake has nowhere to store."""
    if published is None:
        return ""
    extra = wording.unstorable(published.model())
    if not extra:
        return ""
    return (
        f"{published} asks {', '.join(extra)}, which the intake cannot store: a programme's "
        "model asks the study's four questions, in its own words. Choose another model."
    )


@transaction.atomic
def programme_model_set(
    *,
    programme: Programme,
    model: PublishedModel | None,
    by: User,
    seen: str | None = None,
    request=None,
) -> bool:
    """Returns whether the programme's model changed, after setting it to `model` (None: the
    study's). Choosing the model it already has changes nothing and is always allowed.

    Refuses (ProgrammeError, nothing changed) another organisation's version, a version whose
    questions the intake cannot store, and any change once someone has joined a cohort.
    `seen`, when given, is `model_key` of the model the form showed: a form opened before
    someone else changed the model cannot silently change it back."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if seen is not None and seen != model_key(programme):
        raise ProgrammeError(STALE_SETTINGS)
    if programme.model_id == (model.pk if model else None):
        return False
    if model is not None and model.organisation_id != programme.organisation_id:
        raise ProgrammeError(OTHER_MODEL)
    problem = unstorable_problem(model)
    if problem:
        raise ProgrammeError(problem)
    if model_locked(programme):
        raise ProgrammeError(MODEL_LOCKED)
    programme.model = model
    programme.save(update_fields=["model"])
    record(
        Kind.PROGRAMME_CHANGED,
        request=request,
        actor=by,
        organisation=programme.organisation,
        subject=programme.name,
        programme=programme.pk,
        changed=["model"],
        model=model_key(programme),
    )
    return True
