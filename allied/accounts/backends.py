"""Email sign-in with per-account throttling.

Failures are counted in the audit log, by the address typed, whether or not an account
exists, so the answer never reveals whether an account exists and the count is shared by
every app server behind the load balancer.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Max
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind

FAILURE_KINDS = (Kind.SIGN_IN_FAILED, Kind.TWO_FACTOR_FAILED)
RESET_KINDS = (Kind.SIGN_IN, Kind.PASSWORD_RESET)


def recent_failures(email: str) -> int:
    """Returns how many failed sign-ins for this address fall in the throttling window
    since its last successful sign-in or password reset. Two queries."""
    email = email.strip().lower()
    since = timezone.now() - timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
    last_good = AuditEvent.objects.filter(email=email, kind__in=RESET_KINDS).aggregate(
        at=Max("created_at")
    )["at"]
    if last_good and last_good > since:
        since = last_good
    return AuditEvent.objects.filter(
        email=email, kind__in=FAILURE_KINDS, created_at__gt=since
    ).count()


def is_throttled(email: str) -> bool:
    return recent_failures(email) >= settings.SIGN_IN_FAILURE_LIMIT


class EmailBackend(ModelBackend):
    """Authenticates by email, case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        from allied.accounts.models import User

        email = (email or username or "").strip()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            # Spend the same time hashing as for a real account.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
