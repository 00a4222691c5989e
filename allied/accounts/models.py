"""People, organisations and the roles people hold in them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import check_password
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

    def check_password(self, raw_password: str) -> bool:
        """As Django's, and when the check upgrades the stored hash (a new hasher or cost),
        the person's live API tokens stay bound: an upgrade is not a password change."""

        def setter(raw_password):
            before = credentials_binding(self)
            self.set_password(raw_password)
            self._password = None
            self.save(update_fields=["password"])
            ApiToken.objects.live().filter(user=self, binding=before).update(
                binding=credentials_binding(self)
            )

        return check_password(raw_password, self.password, setter)

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
    so a copy of the database cannot be used to accept invitations.

    An app above may invite someone to something of its own (a cohort, as a mentee): it says
    what in `about` ("the Autumn 2026 cohort of …, as a mentee") and `first_step`, which the
    email and the pages show; it keeps in `then` what it needs to act when the invitation is
    accepted (`announce.invitation_accepted`), and `landing` is the page the person is taken to
    after accepting (a path on this site)."""

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
    about = models.CharField(max_length=500, blank=True)
    first_step = models.CharField(max_length=300, blank=True)
    then = models.JSONField(default=dict, blank=True)
    landing = models.CharField(max_length=200, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @classmethod
    def issue(cls, *, organisation, email, role, invited_by, **purpose) -> tuple[Invitation, str]:
        """Returns the saved invitation and the token to put in the link (never stored).
        `purpose` may set `about`, `first_step`, `then` and `landing`."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email.lower(),
            role=role,
            invited_by=invited_by,
            **purpose,
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


def credentials_binding(user: User, roles: list[tuple[int, str]] | None = None) -> str:
    """Returns a fingerprint of what an API token was made under: the person's password, their
    session generation ("sign out everywhere") and every role they hold (`roles`, as
    (organisation id, role) pairs, read when not given). A token whose binding no longer
    matches is dead, however its owner's password or roles were changed (a page, a command
    or a shell)."""
    if roles is None:
        roles = list(user.memberships.values_list("organisation_id", "role"))
    held = sorted(f"{organisation_id}:{role}" for organisation_id, role in roles)
    return salted_hmac(
        "allied.accounts.ApiToken.binding",
        f"{user.password}:{user.session_generation}:{'|'.join(held)}",
        algorithm="sha256",
    ).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> ApiTokenQuerySet:
        """Tokens neither ended nor expired (their binding is checked at use)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def usable_by(self, user: User) -> ApiTokenQuerySet:
        """The person's tokens that would work now: live, bound to their present password,
        sessions and roles, and made with a code when a role of theirs needs two-factor."""
        roles = list(user.memberships.values_list("organisation_id", "role"))
        tokens = self.live().filter(user=user, binding=credentials_binding(user, roles))
        if any(role in Role.NEEDS_TWO_FACTOR for _, role in roles):
            tokens = tokens.filter(verified=True)
        return tokens


class ApiToken(models.Model):
    """A bearer token for the JSON API, for someone with an account. Only a digest is
    stored, so a copy of the database cannot be used to call the API.

    A token ends when it expires (`API_TOKEN_DAYS`), when its owner revokes it, and whenever
    its owner's password, sessions or roles change (`credentials_binding`)."""

    class Ended(models.TextChoices):
        REVOKED = "revoked", "Revoked"
        PASSWORD_CHANGED = "password_changed", "Ended when the password was changed"
        PASSWORD_RESET = "password_reset", "Ended when the password was reset"
        SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Ended by signing out everywhere"
        ROLES_CHANGED = "roles_changed", "Ended when the person's roles changed"
        CREDENTIALS_CHANGED = "credentials_changed", "Ended: password or roles changed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ended_because = models.CharField(max_length=30, choices=Ended.choices, blank=True)
    # Made with a two-factor code: a role that needs two-factor accepts no other token.
    verified = models.BooleanField(default=False)
    binding = models.CharField(max_length=64, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name or 'API token'} of {self.user}"

    @classmethod
    def issue(cls, *, user: User, verified: bool, name: str = "") -> tuple[ApiToken, str]:
        """Returns the saved token and its secret value (shown once, never stored).
        `verified`: made with a two-factor code."""
        secret = f"allied_{secrets.token_urlsafe(32)}"
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            digest=_token_digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
            verified=verified,
            binding=credentials_binding(user),
        )
        return token, secret

    @classmethod
    def active_for(cls, secret: str) -> ApiToken | None:
        """Returns the live token with this secret whose owner may still sign in and whose
        password, sessions and roles are those it was made under, or None. A token found
        stale is ended then and there. Marks it used (at most one write a minute)."""
        token = (
            cls.objects.live()
            .filter(digest=_token_digest(secret), user__is_active=True)
            .select_related("user")
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        roles = list(token.user.memberships.values_list("organisation_id", "role"))
        if not secrets.compare_digest(token.binding, credentials_binding(token.user, roles)):
            cls.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=now, ended_because=cls.Ended.CREDENTIALS_CHANGED
            )
            return None
        token.owner_needs_two_factor = any(role in Role.NEEDS_TWO_FACTOR for _, role in roles)
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    def lacks_two_factor(self) -> bool:
        """Returns whether the owner now holds a role that needs two-factor and this token
        was made without a code (known from `active_for`, else read: one query)."""
        needs = getattr(self, "owner_needs_two_factor", None)
        if needs is None:
            needs = self.user.requires_two_factor()
        return not self.verified and needs
