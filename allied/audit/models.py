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
