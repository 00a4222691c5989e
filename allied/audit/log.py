"""`record` is the one way anything writes to the audit log."""

from __future__ import annotations

from allied.audit.models import AuditEvent

# Keys that may never be written to the log, whatever a caller passes.
FORBIDDEN_KEYS = {
    "password",
    "password1",
    "password2",
    "new_password1",
    "new_password2",
    "old_password",
    "token",
    "otp_token",
    "code",
    "secret",
    "ethnicity",
    "ethnic_group",
    "ethnicity_self_description",
    "gender",
}


def client_ip(request) -> str | None:
    """Returns the client's address: REMOTE_ADDR, which the ASGI server sets from the proxy
    header it is told to trust (see docs/deployment.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    *,
    request=None,
    actor=None,
    organisation=None,
    email: str = "",
    subject: str = "",
    **detail,
) -> AuditEvent:
    """Returns the saved event. Refuses details that could hold secrets or special-category
    values, so a careless caller fails loudly in tests rather than leaking into the log."""
    leaked = FORBIDDEN_KEYS.intersection(detail)
    if leaked:
        raise ValueError(f"The audit log never holds {', '.join(sorted(leaked))}.")
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        organisation=organisation,
        email=(email or "")[:254].lower(),
        subject=subject[:200],
        path=(request.path[:300] if request is not None else ""),
        ip_address=client_ip(request),
        detail=detail,
    )
