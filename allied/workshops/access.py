"""Who may see a workshop. Staff see the workshops they work on; an organisation admin sees
every workshop of the organisation; anyone else gets a 404. Participants have no account:
their browser holds a token bound to their pseudonym."""

from __future__ import annotations

import secrets

from django.http import Http404

from allied.accounts.access import RoleRequired, roles_held
from allied.accounts.models import Membership, Role
from allied.workshops.models import Participant, StaffRole, Workshop, digest

# Who may create workshops in an organisation.
FACILITATES = (Role.FACILITATOR, Role.ORG_ADMIN)

SESSION_KEY = "allied_workshop_tokens"


def workshops_for(user):
    """Returns the workshops the person may open."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    admin_of = Membership.objects.filter(user=user, role=Role.ORG_ADMIN).values("organisation")
    return (
        Workshop.objects.filter(staff__user=user)
        | Workshop.objects.filter(organisation__in=admin_of)
    ).distinct()


def staff_role(user, workshop: Workshop, organisation_roles: set[str] | None = None) -> str | None:
    """Returns the person's role in the workshop: a staff role, "admin", or None.
    `organisation_roles`, when the caller has them (`roles_held`), spare a query."""
    role = workshop.staff.filter(user=user).values_list("role", flat=True).first()
    if role:
        return role
    if organisation_roles is not None:
        return "admin" if Role.ORG_ADMIN in organisation_roles else None
    if Membership.objects.filter(
        user=user, organisation=workshop.organisation, role=Role.ORG_ADMIN
    ).exists():
        return "admin"
    return None


def workshop_for(request, pk: int, *roles: str) -> Workshop:
    """Returns the workshop if the person may open it and, when `roles` are named, holds one
    of them there (an organisation admin counts as "admin"). 404 when they may not see it;
    403 (and an audit record) when they see it but lack the role."""
    workshop = (
        workshops_for(request.user)
        .filter(pk=pk)
        .select_related("organisation", "current_question")
        .first()
    )
    if workshop is None:
        raise Http404
    role = staff_role(request.user, workshop, roles_held(request, workshop.organisation_id))
    if roles and role not in roles:
        raise RoleRequired(workshop.organisation, roles)
    request.workshop_role = role
    return workshop


def sees_identities(role: str | None) -> bool:
    """The key to who is behind each pseudonym: the lead facilitator and the admin only."""
    return role in {StaffRole.LEAD, "admin"}


def runs(role: str | None) -> bool:
    return role in StaffRole.RUNS


def takes_notes(role: str | None) -> bool:
    return role in StaffRole.NOTES


def participant_for(request, code: str) -> tuple[Workshop, Participant | None]:
    """Returns the workshop with this join code and the participant this browser joined as
    (None if it has not joined). 404 for an unknown code, and for a finished workshop's code
    unless this browser took part: the two answer alike."""
    workshop = (
        Workshop.objects.filter(join_code=code.upper()).select_related("current_question").first()
    )
    token = None if workshop is None else request.session.get(SESSION_KEY, {}).get(str(workshop.pk))
    return _found(workshop, token)


def participant_for_token(code: str, token: str) -> tuple[Workshop, Participant | None]:
    """Returns the workshop with this join code and the participant holding this token (the
    one the API's join returned; None if it matches nobody). 404 for an unknown code, and for
    a finished workshop's code unless the token is one of its participants'."""
    workshop = (
        Workshop.objects.filter(join_code=code.upper()).select_related("current_question").first()
    )
    return _found(workshop, token)


def _found(workshop: Workshop | None, token: str | None):
    if workshop is None:
        raise Http404
    participant = joined(workshop, token)
    if participant is None and finished(workshop):
        if token and workshop.identities_destroyed_at:
            # A strict workshop destroyed the link from this browser to its pseudonym: it took
            # part, and may see that the workshop has finished, as no one else may.
            return workshop, None
        raise Http404
    return workshop, participant


def destroyed_but_took_part(workshop: Workshop, participant: Participant | None) -> bool:
    """Whether this is a browser that took part in a strict workshop whose key is destroyed
    (`_found` lets it through with no participant)."""
    return participant is None and finished(workshop) and bool(workshop.identities_destroyed_at)


def finished(workshop: Workshop) -> bool:
    """Whether the workshop has finished: its participants' tokens then show only that it has
    finished, and neither read nor change anything."""
    return workshop.status == Workshop.Status.FINISHED


def joined(workshop: Workshop, token: str | None) -> Participant | None:
    """Returns the consented participant bound to this token, or None."""
    if not token:
        return None
    return workshop.participants.filter(
        session_digest=digest(token), consented_at__isnull=False
    ).first()


def bind_browser(request, workshop: Workshop) -> str:
    """Returns a fresh token for this browser and keeps it in the session."""
    token = secrets.token_urlsafe(32)
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[str(workshop.pk)] = token
    request.session[SESSION_KEY] = tokens
    return token


def member_by_email(organisation, email: str):
    """Returns the person with this address who holds a role in the organisation, or None."""
    from allied.accounts.models import User

    return (
        User.objects.filter(email__iexact=email.strip(), memberships__organisation=organisation)
        .distinct()
        .first()
    )


STAFF_CHOICES = [(r.value, r.label) for r in StaffRole]
