"""Who may open a model, following the workshops' pattern (`allied.workshops.access`).

A draft is seen by the staff of any workshop it is built from and by the organisation's
admins; anyone else gets a 404. Building it (placing, merging, publishing) needs the lead
facilitator, a co-facilitator or an admin: a note-taker or observer gets a 403. Published
models belong to the organisation: its admins, coordinators (who choose a model for a
programme) and facilitators may read them.
"""

from __future__ import annotations

from django.http import Http404

from allied.accounts.access import RoleRequired, organisation_for
from allied.accounts.models import Membership, Role
from allied.consensus.models import ModelDraft, PublishedModel
from allied.workshops.access import workshops_for
from allied.workshops.models import StaffRole, Workshop

ADMIN = "admin"
BUILDS = (StaffRole.LEAD, StaffRole.CO_FACILITATOR, ADMIN)
READS_PUBLISHED = (Role.ORG_ADMIN, Role.COORDINATOR, Role.FACILITATOR)


def drafts_for(user):
    """Returns the drafts the person may open."""
    if not user.is_authenticated:
        return ModelDraft.objects.none()
    admin_of = Membership.objects.filter(user=user, role=Role.ORG_ADMIN).values("organisation")
    return (
        ModelDraft.objects.filter(workshops__staff__user=user)
        | ModelDraft.objects.filter(organisation__in=admin_of)
    ).distinct()


def draft_role(user, draft: ModelDraft) -> str | None:
    """Returns the person's strongest role on the draft: "admin", a staff role of one of its
    workshops (lead before co-facilitator before the rest), or None."""
    if Membership.objects.filter(
        user=user, organisation=draft.organisation, role=Role.ORG_ADMIN
    ).exists():
        return ADMIN
    held = set(
        draft.workshops.filter(staff__user=user).values_list("staff__role", flat=True).distinct()
    )
    for role in StaffRole.values:
        if role in held:
            return role
    return None


def draft_for(request, pk: int, *roles: str) -> ModelDraft:
    """Returns the draft if the person may open it and, when `roles` are named, holds one of
    them on it. 404 when they may not see it; 403 (audited) when they lack the role."""
    draft = drafts_for(request.user).filter(pk=pk).select_related("organisation").first()
    if draft is None:
        raise Http404
    role = draft_role(request.user, draft)
    if roles and role not in roles:
        raise RoleRequired(draft.organisation, roles)
    request.draft_role = role
    return draft


def buildable_workshops(user, organisation) -> list[Workshop]:
    """Returns the organisation's finished workshops the person may build a model from."""
    admin = Membership.objects.filter(
        user=user, organisation=organisation, role=Role.ORG_ADMIN
    ).exists()
    workshops = workshops_for(user).filter(
        organisation=organisation, status=Workshop.Status.FINISHED
    )
    if not admin:
        workshops = workshops.filter(
            staff__user=user, staff__role__in=[StaffRole.LEAD, StaffRole.CO_FACILITATOR]
        )
    return list(workshops.distinct().order_by("-date", "title"))


def published_for(request, org: str, pk: int) -> PublishedModel:
    """Returns the organisation's published model (one version) for someone who may read it:
    404 outside the organisation or for another organisation's model, 403 for a role that
    may not read models."""
    organisation = organisation_for(request, org, *READS_PUBLISHED)
    found = PublishedModel.objects.filter(organisation=organisation, pk=pk).first()
    if found is None:
        raise Http404
    return found
