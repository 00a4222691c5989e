"""Who may open a circle and its sessions.

Built on `allied.programmes.access`: someone with no role in the circle's programme gets a 404
(they cannot learn the circle exists). Inside the programme a person may hold, for one circle:

- "coordinator": they run the programme (its coordinators and the organisation's admins);
- "member": a current member of the circle (a mentee), once the circle is published;
- "facilitator": the circle's facilitator, once it is published.

A draft circle is the coordinator's working copy: anyone else gets a 404. A published circle
opened by someone in the programme without the role a page needs gets a 403 (audited).
"""

from __future__ import annotations

from django.http import Http404

from allied.accounts.access import RoleRequired
from allied.circles.models import Circle, CircleMembership, CircleSession
from allied.programmes import access as programme_access
from allied.programmes.access import cohort_for

COORDINATOR = "coordinator"
MEMBER = "member"
FACILITATOR = "facilitator"
EVERYONE = (COORDINATOR, MEMBER, FACILITATOR)
PEOPLE = (MEMBER, FACILITATOR)
RUNNERS = (COORDINATOR, FACILITATOR)


def roles_for(request, circle: Circle) -> set[str]:
    """Returns the person's roles in this circle (after `programme_for` has checked them)."""
    held: set[str] = set()
    if programme_access.runs(request):
        held.add(COORDINATOR)
    if circle.is_published:
        if CircleMembership.objects.filter(
            circle=circle, left_on__isnull=True, participant__user=request.user
        ).exists():
            held.add(MEMBER)
        if circle.facilitator_id and circle.facilitator.user_id == request.user.pk:
            held.add(FACILITATOR)
    return held


def circle_for(request, pk: int, *roles: str) -> Circle:
    """Returns the circle if the person may open it with one of `roles` (any role if none).
    Sets `request.circle_roles`."""
    circle = (
        Circle.objects.filter(pk=pk)
        .select_related("cohort__programme__organisation", "facilitator__user")
        .first()
    )
    if circle is None or not request.user.is_authenticated:
        raise Http404
    programme_access.programme_for(request, circle.cohort.programme_id)
    held = roles_for(request, circle)
    if not circle.is_published and COORDINATOR not in held:
        raise Http404
    if not held or (roles and not held.intersection(roles)):
        raise RoleRequired(circle.cohort.programme.organisation, roles or EVERYONE)
    request.circle_roles = held
    return circle


def session_for(request, pk: int, *roles: str) -> CircleSession:
    session = CircleSession.objects.filter(pk=pk).first()
    if session is None:
        raise Http404
    session.circle = circle_for(request, session.circle_id, *roles)
    return session


def membership_for(request, pk: int) -> CircleMembership:
    """Returns a membership for the coordinator to change."""
    membership = (
        CircleMembership.objects.filter(pk=pk)
        .select_related("circle__cohort__programme", "participant__user")
        .first()
    )
    if membership is None:
        raise Http404
    cohort_for(request, membership.cohort_id)
    return membership
