"""Data rights under UK GDPR: a person's request to be erased, the record of each erasure,
and each programme's retention period.

An `Erasure` holds no personal data of its own (counts and record ids), except where
records kept under a legal duty were retained: then `retained_identity` keeps the name and
email the retained records need to stay meaningful, under the same legal duty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from allied.accounts.models import Organisation
from allied.programmes.models import Programme

USER = settings.AUTH_USER_MODEL


class ErasureRequest(models.Model):
    """A person's own request to have their data erased, for an organisation admin to action
    (see docs/decisions/0010-data-rights.md for why it is not immediate)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an organisation admin"
        DONE = "done", "Erased"
        WITHDRAWN = "withdrawn", "Withdrawn by the person"

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="erasure_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="open"), name="one_open_erasure_request"
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display()})"


class Erasure(models.Model):
    """One erasure: of a whole person (by an admin, or on their request) or of a person's
    places in one programme (retention). `counts` maps "app.model" to rows changed;
    `retained` lists {"model", "id", "reason"} for records kept under a legal duty."""

    class Scope(models.TextChoices):
        PERSON = "person", "Everything about the person"
        PROGRAMME = "programme", "The person's places in one programme"

    # The erased account: a scrubbed shell, kept so that erasing again changes nothing.
    user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, blank=True)
    retained = models.JSONField(default=list, blank=True)
    # The programme places erased (retention): never erased twice.
    places = models.JSONField(default=list, blank=True)
    retained_identity = models.JSONField(default=dict, blank=True)
    # Records someone else wrote that kept their text with the person's name taken out:
    # [{"record": "Private note on a meeting", "id": 12}, ...].
    unnamed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            # A double-submitted erasure must not run twice (see `actions.person_erase`).
            models.UniqueConstraint(
                fields=["user"], condition=Q(scope="person"), name="one_erasure_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.pk} ({self.get_scope_display()})"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RetentionPolicy(models.Model):
    """How long a programme keeps personal data after its last cohort ends. No policy, or
    no months, means keep it until someone erases it."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="retention_policy"
    )
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    last_applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Retention for programme {self.programme_id}"
