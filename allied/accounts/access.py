"""The one access layer: every object a view shows is fetched through these helpers, scoped
to the person asking. Another organisation's object is a 404, never a 403, so nobody can
learn that it exists; a person in the right organisation without the right role gets a 403
and the refusal is written to the audit log."""

from __future__ import annotations

import itertools

from django.core.exceptions import PermissionDenied
from django.http import Http404

from allied.accounts.models import Membership, Organisation, Role, User
from allied.audit.log import record
from allied.audit.models import Kind


class RoleRequired(PermissionDenied):
    """The person is in the organisation but lacks the role. The 403 handler writes the
    refusal to the audit log: it runs after the request's transaction has rolled back,
    so the record survives."""

    def __init__(self, organisation: Organisation, roles: tuple[str, ...]):
        super().__init__(f"Needs one of: {', '.join(sorted(roles))}")
        self.organisation = organisation
        self.roles = sorted(roles)


def record_denial(request, exception) -> None:
    record(
        Kind.PERMISSION_DENIED,
        request=request,
        organisation=getattr(exception, "organisation", None),
        subject=request.path,
        needed=getattr(exception, "roles", []),
    )


# Counts changes to memberships and organisations in this process: a request's read of the
# person's memberships is reused until one of them changes (memberships_changed).
_changes = itertools.count()
_generation = next(_changes)


def memberships_changed() -> None:
    """Called when any membership or organisation is saved or deleted: the next
    `memberships_for` in every request reads them again."""
    global _generation
    _generation = next(_changes)


def memberships_for(request) -> list[Membership]:
    """Returns the signed-in person's memberships, with their organisations, read once per
    request: the two-factor check, the access helpers and the header share the one read. A
    change to any membership (by this request's own action, say) makes the next call read
    again. Someone not signed in has none."""
    user = request.user
    if not user.is_authenticated:
        return []
    cached = getattr(request, "_allied_memberships", None)
    if cached and cached[0] == _generation and cached[1] == user.pk:
        return cached[2]
    generation = _generation
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    request._allied_memberships = (generation, user.pk, memberships)
    return memberships


def roles_held(request, organisation_id: int) -> set[str]:
    """Returns the roles the signed-in person holds in the organisation (possibly none)."""
    return {m.role for m in memberships_for(request) if m.organisation_id == organisation_id}


def needs_two_factor(request) -> bool:
    """Whether any role the signed-in person holds demands two-factor sign-in."""
    return any(m.role in Role.NEEDS_TWO_FACTOR for m in memberships_for(request))


def organisations_for(user) -> list[Organisation]:
    """Returns the organisations in which the person holds any role."""
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).distinct())


def organisation_for(request, slug: str, *roles: str) -> Organisation:
    """Returns the organisation if the person holds one of `roles` there (any role when none
    are named). 404 when they hold no role there; 403 when they hold the wrong one."""
    mine = [m for m in memberships_for(request) if m.organisation.slug == slug]
    if not mine:
        raise Http404
    held = {m.role for m in mine}
    organisation = mine[0].organisation
    if roles and not held.intersection(roles):
        raise RoleRequired(organisation, roles)
    request.organisation_roles = held
    return organisation


def member_of(organisation: Organisation, user_id: int) -> User:
    """Returns the person if they hold any role in the organisation; else 404."""
    try:
        return (
            User.objects.filter(memberships__organisation=organisation).distinct().get(pk=user_id)
        )
    except User.DoesNotExist:
        raise Http404 from None
