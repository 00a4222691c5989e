"""The one access layer: every object a view shows is fetched through these helpers, scoped
to the person asking. Another organisation's object is a 404, never a 403, so nobody can
learn that it exists; a person in the right organisation without the right role gets a 403
and the refusal is written to the audit log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from allied.accounts.models import Membership, Organisation, User
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


def organisations_for(user) -> list[Organisation]:
    """Returns the organisations in which the person holds any role."""
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).distinct())


def organisation_for(request, slug: str, *roles: str) -> Organisation:
    """Returns the organisation if the person holds one of `roles` there (any role when none
    are named). 404 when they hold no role there; 403 when they hold the wrong one."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    held = set(
        Membership.objects.filter(user=user, organisation__slug=slug).values_list("role", flat=True)
    )
    if not held:
        raise Http404
    organisation = Organisation.objects.get(slug=slug)
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
