"""People, organisations and the roles people hold in them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Workshop participants need no account (they join by link)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raising this ends every session the person has: "sign out everywhere".
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        """Returns the hash Django keeps in each session; a session whose hash no longer
        matches is ended. It covers the password and the session generation, so both a
        password change and "sign out everywhere" end other sessions."""
        return salted_hmac(
            "allied.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def requires_two_factor(self) -> bool:
        """Returns whether any role this person holds demands two-factor sign-in.
        Reads memberships: one query."""
        return self.memberships.filter(role__in=Role.NEEDS_TWO_FACTOR).exists()

    def roles_in(self, organisation: Organisation) -> set[str]:
        return set(
            self.memberships.filter(organisation=organisation).values_list("role", flat=True)
        )


class Organisation(models.Model):
    """An NHS trust, council, university or professional body: owns programmes and workshops."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "Organisation admin"
    COORDINATOR = "coordinator", "Programme coordinator"
    FACILITATOR = "facilitator", "Workshop facilitator"
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    PARTICIPANT = "participant", "Workshop participant"


Role.NEEDS_TWO_FACTOR = (Role.ORG_ADMIN, Role.COORDINATOR)
# Who may invite whom: an admin invites anyone; a coordinator brings in mentors and mentees.
Role.MAY_INVITE = {
    Role.ORG_ADMIN: set(Role.values),
    Role.COORDINATOR: {Role.MENTOR, Role.MENTEE, Role.PARTICIPANT},
}


class Membership(models.Model):
    """One role one person holds in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            )
        ]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An emailed link that gives its holder a role. Only a digest of the token is stored,
    so a copy of the database cannot be used to accept invitations."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @classmethod
    def issue(cls, *, organisation, email, role, invited_by) -> tuple[Invitation, str]:
        """Returns the saved invitation and the token to put in the link (never stored)."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email.lower(),
            role=role,
            invited_by=invited_by,
            token_digest=_token_digest(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        return invitation, token

    @classmethod
    def open_for_token(cls, token: str) -> Invitation | None:
        return cls.objects.open().filter(token_digest=_token_digest(token)).first()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Withdrawn"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"


class ApiToken(models.Model):
    """A bearer token for the JSON API, for someone with an account. Only a digest is
    stored, so a copy of the database cannot be used to call the API."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name or 'API token'} of {self.user}"

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple[ApiToken, str]:
        """Returns the saved token and its secret value (shown once, never stored)."""
        secret = f"allied_{secrets.token_urlsafe(32)}"
        return cls.objects.create(user=user, name=name, digest=_token_digest(secret)), secret

    @classmethod
    def active_for(cls, secret: str) -> ApiToken | None:
        """Returns the unrevoked token with this secret whose owner may still sign in, or None.
        Marks it used (at most one write a minute)."""
        token = (
            cls.objects.filter(
                digest=_token_digest(secret), revoked_at__isnull=True, user__is_active=True
            )
            .select_related("user")
            .first()
        )
        if token is not None:
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        return token
