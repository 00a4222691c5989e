"""The append-only audit log.

It records who did what, never the content of special-category data: an event says that
someone viewed or exported ethnicity answers, not what the answers were. Passwords, tokens
and codes never reach it (see `record`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def pseudonymise(self, *, user, terms: list[str], pseudonym: str, organisations=()) -> int:
        """The one sanctioned change to the log, for erasure under UK GDPR (see
        docs/decisions/0010-data-rights.md): in every event by the person (or typed with their
        email address) their email address and IP address are blanked, and in those events and
        in the events of `organisations` (the ones they belonged to) each of `terms` in the
        subject and detail is replaced by `pseudonym`. Another organisation's events are
        never touched, even when they name a namesake.

        Only names of at least two words and email addresses are searched for: a single
        word ("Mia") would rewrite every event that happens to contain it. Names and addresses
        that erasure itself wrote ("Erased person", "erased person 7", "...@invalid") are
        never searched for, so erasing again cannot rewrite earlier pseudonyms. Events stay;
        nothing else changes. Returns how many events changed."""
        import json
        import re

        from django.db.models import Q, TextField
        from django.db.models.functions import Cast

        terms = sorted({t for t in (_search_term(t) for t in terms) if t}, key=len, reverse=True)
        own = Q(actor=user)
        emails = [t for t in terms if "@" in t]
        for email in emails:
            own |= Q(email__iexact=email)
        about = Q()
        for term in terms:
            escaped = json.dumps(term)[1:-1]
            about |= Q(subject__icontains=term) | Q(detail_text__icontains=term)
            if escaped != term:
                about |= Q(detail_text__icontains=escaped)
        linked = own | Q(organisation__in=[getattr(o, "pk", o) for o in organisations])
        if not terms:
            about = Q(pk__in=[])
        found = self.annotate(detail_text=Cast("detail", TextField())).filter(
            own | (linked & about)
        )
        pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms), re.IGNORECASE)
            if terms
            else None
        )

        def swap(value):
            if isinstance(value, str):
                return pattern.sub(pseudonym, value) if pattern else value
            if isinstance(value, list):
                return [swap(v) for v in value]
            if isinstance(value, dict):
                return {k: swap(v) for k, v in value.items()}
            return value

        lowered = {e.lower() for e in emails}
        changed = 0
        for event in found.only("pk", "actor_id", "email", "subject", "detail", "ip_address"):
            values = {"subject": swap(event.subject), "detail": swap(event.detail)}
            if event.email.lower() in lowered:
                values["email"] = ""
            if event.actor_id == user.pk or (event.actor_id is None and "email" in values):
                values["ip_address"] = None  # their own connection
            if any(getattr(event, k) != v for k, v in values.items()):
                models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), **values)
                changed += 1
        return changed


def _search_term(term: str | None) -> str:
    """Returns the term stripped, or "" when it must not be searched for: shorter than three
    characters, a single word that is not an email address, or a name or address that erasure
    itself wrote."""
    term = (term or "").strip()
    lowered = term.lower()
    if len(term) < 3 or lowered.startswith("erased person") or lowered.endswith("@invalid"):
        return ""
    if "@" not in term and len(term.split()) < 2:
        return ""
    return term


class Kind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused (too many failures)"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code rejected"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor authentication set up"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", "Signed out everywhere"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    API_TOKENS_ENDED = "api_tokens_ended", "API tokens ended"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REMOVED = "role_removed", "Role removed"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    SPECIAL_CATEGORY_VIEWED = "special_category_viewed", "Special category data viewed"
    SPECIAL_CATEGORY_EXPORTED = "special_category_exported", "Special category data exported"
    SPECIAL_CATEGORY_RECORDED = "special_category_recorded", "Special category data recorded"
    PROGRAMME_CREATED = "programme_created", "Programme created"
    PROGRAMME_CHANGED = "programme_changed", "Programme settings changed"
    PARTICIPANTS_IMPORTED = "participants_imported", "Participants imported"
    MATCHES_PUBLISHED = "matches_published", "Matches published"
    MATCH_RULE_OVERRIDDEN = "match_rule_overridden", "Pair made against a hard rule"
    RELATIONSHIP_STARTED = "relationship_started", "Mentoring relationship started"
    RELATIONSHIP_ENDED = "relationship_ended", "Mentoring relationship ended"
    CONCERN_RAISED = "concern_raised", "Concern raised"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    OUTCOME_RECORDED = "outcome_recorded", "Career outcome recorded"
    OUTCOME_CONFIRMED = "outcome_confirmed", "Career outcome confirmed or rejected"
    WORKFORCE_FIGURES_CHANGED = "workforce_figures_changed", "Workforce figures changed"
    RESEARCH_EXTRACT_TAKEN = "research_extract_taken", "Research extract downloaded"
    PERSONAL_DATA_DOWNLOADED = "personal_data_downloaded", "Personal data downloaded"
    PERSON_ERASED = "person_erased", "Personal data erased"
    RETENTION_APPLIED = "retention_applied", "Retention period applied"
    MODEL_PUBLISHED = "model_published", "Mentoring model published"


class AuditEvent(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The address typed at sign-in, kept for failures where there may be no account.
    email = models.EmailField(blank=True, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    subject = models.CharField(max_length=200, blank=True, help_text="What the event is about.")
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")
