"""Changes to people and roles that touch several models and the audit log. Each runs in a
transaction (the request's, or its own from the command line)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from allied.accounts import announce, throttle
from allied.accounts.models import ApiToken, Invitation, Membership, Organisation, Role, User
from allied.audit.log import record
from allied.audit.models import Kind


class LastAdminError(Exception):
    """Removing this role would leave the organisation without an admin."""


@transaction.atomic
def membership_set_roles(
    *, organisation: Organisation, user: User, roles: set[str], by: User, request=None
) -> tuple[set[str], set[str]]:
    """Returns (granted, removed). Refuses to remove the organisation's last admin."""
    current = set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )
    granted, removed = roles - current, current - roles
    if Role.ORG_ADMIN in removed:
        admins = Membership.objects.select_for_update().filter(
            organisation=organisation, role=Role.ORG_ADMIN
        )
        if admins.exclude(user=user).count() == 0:
            raise LastAdminError
    Membership.objects.filter(organisation=organisation, user=user, role__in=removed).delete()
    for role in sorted(granted):
        Membership.objects.create(organisation=organisation, user=user, role=role)
        record(
            Kind.ROLE_GRANTED,
            request=request,
            actor=by,
            organisation=organisation,
            subject=str(user),
            role=role,
            person_id=user.pk,
        )
    for role in sorted(removed):
        record(
            Kind.ROLE_REMOVED,
            request=request,
            actor=by,
            organisation=organisation,
            subject=str(user),
            role=role,
            person_id=user.pk,
        )
    if granted or removed:
        tokens_end(
            user=user,
            because=ApiToken.Ended.ROLES_CHANGED,
            by=by,
            organisation=organisation,
            request=request,
        )
    return granted, removed


class InvitationClosed(Exception):
    """An invitation that was withdrawn or expired after its page was shown."""


def _line(text: str) -> str:
    """Text for an email's subject: one line (a name with a line break in it would make the
    header invalid)."""
    return " ".join(text.split())


def invitation_send(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User,
    request=None,
    about: str = "",
    first_step: str = "",
    then: dict | None = None,
    landing: str = "",
) -> Invitation:
    """Returns the invitation, after emailing its link. An earlier open invitation for the
    same address, role and purpose is withdrawn, so only the newest link works.

    `about` says what the person is invited to beyond the organisation, `first_step` what
    they do first; `then` and `landing` are for the app that invites (`Invitation`)."""
    email = email.strip().lower()
    then = then or {}
    with transaction.atomic():
        Invitation.objects.open().filter(
            organisation=organisation, email=email, role=role, then=then
        ).update(revoked_at=timezone.now())
        invitation, token = Invitation.issue(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=by,
            about=about,
            first_step=first_step[:300],
            then=then,
            landing=landing[:200],
        )
        record(
            Kind.INVITATION_SENT,
            request=request,
            actor=by,
            organisation=organisation,
            subject=email,
            role=role,
        )
    link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
    role_label = Role(role).label.lower()
    joining = about or f"{organisation.name} on Allied as a {role_label}"
    step = f"Your first step: {first_step}\n\n" if first_step else ""
    send_mail(
        subject=_line(f"You are invited to join {about or organisation.name + ' on Allied'}"),
        message=(
            f"{by.full_name} has invited you to join {joining}.\n\n"
            f"{step}"
            f"Use this link to accept. It works once and expires in {settings.INVITATION_DAYS} days:\n\n{link}\n\n"
            "If you were not expecting this invitation, you can ignore this email."
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User, request=None) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        Kind.INVITATION_WITHDRAWN,
        request=request,
        actor=by,
        organisation=invitation.organisation,
        subject=invitation.email,
        role=invitation.role,
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, request=None) -> Membership:
    """Returns the membership the invitation grants; accepting twice grants it once. An
    invitation withdrawn or expired since the page was shown is refused (`InvitationClosed`)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and (
        invitation.revoked_at is not None or invitation.expires_at <= timezone.now()
    ):
        raise InvitationClosed("This invitation has been withdrawn or has expired.")
    membership, granted = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    if granted:
        tokens_end(
            user=user,
            because=ApiToken.Ended.ROLES_CHANGED,
            organisation=invitation.organisation,
            request=request,
        )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            Kind.INVITATION_ACCEPTED,
            request=request,
            actor=user,
            organisation=invitation.organisation,
            subject=user.email,
            role=invitation.role,
        )
        announce.invitation_accepted.send(
            sender=Invitation, invitation=invitation, user=user, request=request
        )
    return membership


@transaction.atomic
def sign_out_everywhere(*, user: User, request=None) -> None:
    """Ends every session and API token the person has, on every device and app server."""
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
    user.session_generation += 1
    tokens_end(user=user, because=ApiToken.Ended.SIGNED_OUT_EVERYWHERE, request=request)


@transaction.atomic
def tokens_end(
    *,
    user: User,
    because: str,
    by: User | None = None,
    organisation: Organisation | None = None,
    request=None,
) -> int:
    """Ends every live API token of the person and returns how many ended. Run on each
    change of their password, sessions or roles; a token that escaped this (a command, a
    shell) still dies at its next use, as its binding no longer matches."""
    ended = (
        ApiToken.objects.live()
        .filter(user=user)
        .update(revoked_at=timezone.now(), ended_because=because)
    )
    if ended:
        record(
            Kind.API_TOKENS_ENDED,
            request=request,
            actor=by or user,
            organisation=organisation,
            subject=str(user),
            person_id=user.pk,
            ended=ended,
            because=because,
        )
    return ended


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User, request=None) -> bool:
    """Revokes one of the person's own tokens; returns False when it had already ended."""
    ended = (
        ApiToken.objects.live()
        .filter(pk=token.pk, user=by)
        .update(revoked_at=timezone.now(), ended_because=ApiToken.Ended.REVOKED)
    )
    if ended:
        record(
            Kind.API_TOKEN_REVOKED,
            request=request,
            actor=by,
            subject=token.name or "API token",
            token_id=token.pk,
        )
    return bool(ended)


@transaction.atomic
def password_changed(*, user: User, reset: bool = False, request=None) -> None:
    """Records a password change or reset (already saved by Django's form), ends the
    person's API tokens (their other sessions end through the session hash) and starts the
    sign-in throttling counts for them again."""
    record(
        Kind.PASSWORD_RESET if reset else Kind.PASSWORD_CHANGED,
        request=request,
        actor=user,
        email=user.email,
    )
    tokens_end(
        user=user,
        because=ApiToken.Ended.PASSWORD_RESET if reset else ApiToken.Ended.PASSWORD_CHANGED,
        request=request,
    )
    email = user.email
    transaction.on_commit(lambda: throttle.password_changed(email))
