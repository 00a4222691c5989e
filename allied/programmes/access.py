"""Who may see a programme, a place in it, and a mentoring relationship.

A person's role in a programme is one of:
- "admin": an organisation admin of the programme's organisation;
- "coordinator": named as one of the programme's coordinators;
- "mentor" / "mentee": holds a place on that side in one of its cohorts.

Someone with none of these gets a 404 (they cannot learn the programme exists); someone who can
see it without the role a page needs gets a 403, written to the audit log. A relationship is
open to its two people and to the programme's coordinators and admins; anyone else gets a 404.
What each of them may read inside it (private notes, decline reasons) is decided by the view.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from allied.accounts.access import RoleRequired, roles_held
from allied.accounts.models import Membership, Role
from allied.programmes.models import Cohort, Participant, Programme, Relationship

ADMIN = "admin"
COORDINATOR = "coordinator"
MENTOR = "mentor"
MENTEE = "mentee"
RUNS = (COORDINATOR, ADMIN)


def _admin_of(user):
    return Membership.objects.filter(user=user, role=Role.ORG_ADMIN).values("organisation")


def _coordinator_of(user):
    return Membership.objects.filter(user=user, role=Role.COORDINATOR).values("organisation")


def programmes_for(user):
    """Returns the programmes the person may open. A programme's coordinator counts only
    while they still hold the coordinator role in its organisation: removing the role ends
    their access at once, without anyone having to edit each programme."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(
        Q(coordinators=user, organisation__in=_coordinator_of(user))
        | Q(organisation__in=_admin_of(user))
        | Q(
            cohorts__participants__user=user,
            cohorts__participants__status__in=[
                Participant.Status.INTAKE,
                Participant.Status.READY,
            ],
        )
    ).distinct()


def roles_in(user, programme: Programme, organisation_roles: set[str] | None = None) -> set[str]:
    """Returns every role the person holds in the programme (possibly none).
    `organisation_roles`, when the caller has them, are the person's roles in the programme's
    organisation (`roles_held`), read once per request."""
    held: set[str] = set()
    if not user.is_authenticated:
        return held
    roles = organisation_roles
    if roles is None:
        roles = set(
            Membership.objects.filter(
                user=user, organisation_id=programme.organisation_id
            ).values_list("role", flat=True)
        )
    if Role.ORG_ADMIN in roles:
        held.add(ADMIN)
    if Role.COORDINATOR in roles and programme.coordinators.filter(pk=user.pk).exists():
        held.add(COORDINATOR)
    held.update(
        Participant.objects.filter(user=user, cohort__programme=programme)
        .exclude(status=Participant.Status.WITHDRAWN)
        .values_list("side", flat=True)
    )
    return held


def programme_for(request, pk: int, *roles: str) -> Programme:
    """Returns the programme if the person may open it and, when `roles` are named, holds one
    of them. 404 when they hold no role in it; 403 (audited) when they hold the wrong one."""
    programme = Programme.objects.filter(pk=pk).select_related("organisation").first()
    if programme is None:
        raise Http404
    held = roles_in(request.user, programme, roles_held(request, programme.organisation_id))
    if not held:
        raise Http404
    if roles and not held.intersection(roles):
        raise RoleRequired(programme.organisation, roles)
    request.programme_roles = held
    return programme


def cohort_for(request, pk: int) -> Cohort:
    """Returns the cohort for someone who runs its programme: 404 for a cohort that does not
    exist or whose programme the person cannot see, 403 (audited) for a mentor or mentee."""
    cohort = Cohort.objects.filter(pk=pk).select_related("programme__organisation").first()
    if cohort is None:
        raise Http404
    cohort.programme = programme_for(request, cohort.programme_id, *RUNS)
    return cohort


def runs(request) -> bool:
    """Whether the person, as checked by `programme_for`, may run the programme."""
    return bool(set(getattr(request, "programme_roles", ())) & set(RUNS))


def place_for(request, pk: int) -> Participant:
    """Returns the person's own place (their intake). Someone else's place is a 404, even to a
    coordinator: coordinators read intakes through the cohort pages. A withdrawn place is a
    404 too: its owner has left the programme."""
    place = (
        Participant.objects.filter(pk=pk, user=request.user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("cohort__programme__organisation")
        .first()
    )
    if place is None:
        raise Http404
    return place


def relationship_for(request, pk: int, *sides: str) -> Relationship:
    """Returns the relationship if the person is in it or runs its programme.

    Sets `request.relationship_side` to "mentor", "mentee", or "coordinator" (coordinators and
    admins alike). `sides` names who may use the page; anyone else who can see the relationship
    gets a 403."""
    relationship = (
        Relationship.objects.filter(pk=pk)
        .select_related(
            "mentee__user", "mentor__user", "cohort__programme__organisation", "agreement"
        )
        .first()
    )
    if relationship is None or not request.user.is_authenticated:
        raise Http404
    side = relationship.side_of(request.user)
    mine = relationship.mentee if side == MENTEE else relationship.mentor
    if side is not None and mine.status == Participant.Status.WITHDRAWN:
        side = None  # someone who has left the programme no longer opens its records
    if side is None:
        programme = relationship.cohort.programme
        held = roles_in(request.user, programme, roles_held(request, programme.organisation_id))
        if held.intersection(RUNS):
            side = COORDINATOR
    if side is None:
        raise Http404
    if sides and side not in sides:
        raise RoleRequired(relationship.cohort.programme.organisation, sides)
    request.relationship_side = side
    return relationship
