"""The models an organisation's programmes can run on: the study's, and every version the
organisation has published. This is the small API a programme uses to choose its model.

A programme stores the version it chose (a `PublishedModel`, or none for the study's), so it
keeps that version when the model is changed and published again.
"""

from __future__ import annotations

from allied.consensus.models import PublishedModel
from allied.core import model as core

STUDY = "study"


def choices(organisation) -> list[tuple[str, str]]:
    """Returns (key, label) for every model the organisation's programmes can use: the
    study's first ("study"), then each published version, newest first within a model."""
    versions = PublishedModel.objects.filter(organisation=organisation).order_by("name", "-version")
    return [(STUDY, f"{core.STUDY_MODEL.name} (the default)")] + [
        (str(p.pk), f"{p.name} (version {p.version})") for p in versions
    ]


def resolve(organisation, key: str | None) -> core.MentoringModel:
    """Returns the model a key from `choices` names: the study's for "study", empty or None.
    Raises LookupError for a key that names no version of this organisation's."""
    if not key or key == STUDY:
        return core.STUDY_MODEL
    if not str(key).isdigit():
        raise LookupError(f"No model is called {key!r}.")
    found = PublishedModel.objects.filter(organisation=organisation, pk=int(key)).first()
    if found is None:
        raise LookupError(f"No model is called {key!r}.")
    return found.model()


def model_of(published: PublishedModel | None) -> core.MentoringModel:
    """Returns the model a programme runs on, from the version it stores (None: the study's)."""
    return core.STUDY_MODEL if published is None else published.model()
