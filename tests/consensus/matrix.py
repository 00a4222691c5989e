"""The model builder's rows of the main access matrix (tests/test_access_matrix.py).

WORKSHOP_URLS: a model draft is reached like a workshop: the lead facilitator (Fay on Alder's
workshop) and the organisation's admin may use it, anyone who cannot see it gets a 404. The
draft is made on first use from the world's workshop on each side.
ORGANISATION_URLS: published models are read by an organisation's admins, coordinators and
facilitators.
PERSONAL_URLS: the study's model, for anyone signed in.
"""

from __future__ import annotations

from allied.accounts.models import Role
from allied.consensus.models import ModelDraft, PublishedModel
from allied.core import model as core

BUILDERS = {"lead", "admin"}
READERS = {Role.ORG_ADMIN, Role.COORDINATOR, Role.FACILITATOR}


def draft_of(world, side: str) -> ModelDraft:
    """Returns the draft built from that side's workshop (made on first use)."""
    workshop = world[f"workshop_{side}"]
    draft = ModelDraft.objects.filter(workshops=workshop).first()
    if draft is None:
        draft = ModelDraft.objects.create(
            organisation=workshop.organisation,
            name=f"{side} model",
            document=core.to_json(core.without_themes(core.STUDY_MODEL)),
        )
        draft.workshops.add(workshop)
    return draft


def published_of(world, side: str) -> PublishedModel:
    """Returns version 1 of that side's model (published on first use)."""
    draft = draft_of(world, side)
    version = draft.versions.first()
    if version is None:
        version = PublishedModel.objects.create(
            organisation=draft.organisation,
            draft=draft,
            name=draft.name,
            version=1,
            json=core.to_json(core.STUDY_MODEL),
        )
    return version


def _draft(world, side):
    return {"pk": draft_of(world, side).pk}


WORKSHOP_URLS = {
    "consensus:new": ("get", BUILDERS, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "consensus:draft": ("get", BUILDERS, _draft),
    "consensus:draft_name": ("post", BUILDERS, _draft),
    "consensus:place": ("post", BUILDERS, _draft),
    "consensus:unplace": ("post", BUILDERS, _draft),
    "consensus:domain": (
        "post",
        BUILDERS,
        lambda w, side: {**_draft(w, side), "code": "allyship"},
    ),
    "consensus:domain_add": ("post", BUILDERS, _draft),
    "consensus:merge": ("post", BUILDERS, _draft),
    "consensus:workshop_add": ("post", BUILDERS, _draft),
    "consensus:publish": ("post", BUILDERS, _draft),
    "consensus:draft_export": ("get", BUILDERS, lambda w, side: {**_draft(w, side), "fmt": "svg"}),
}

ORGANISATION_URLS = {
    "consensus:list": ("get", READERS, lambda w, side: {"org": w[side].slug}),
    "consensus:published": (
        "get",
        READERS,
        lambda w, side: {"org": w[side].slug, "pk": published_of(w, side).pk},
    ),
    "consensus:published_export": (
        "get",
        READERS,
        lambda w, side: {"org": w[side].slug, "pk": published_of(w, side).pk, "fmt": "csv"},
    ),
}

PERSONAL_URLS = {
    "consensus:study": ("get", None, 302, 200),
    "consensus:study_export": ("get", lambda w: {"fmt": "json"}, 302, 200),
}
