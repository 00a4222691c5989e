"""Mentoring circles: who is in each circle over time, its sessions, attendance and check-ins.

A cohort's circles are formed as drafts (`CircleFormation` records how), reviewed and adjusted by the
coordinator, then published together. Membership keeps its history: joining late starts a
membership, leaving ends one, and moving circle ends one and starts another, so "who was in
this circle in May" can always be answered. A mentee is in at most one current circle per
cohort, which the database enforces.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.matching import vocabulary as v
from allied.programmes.models import Cohort, Participant

USER = settings.AUTH_USER_MODEL


class CircleFormation(models.Model):
    """One run of the formation engine for a cohort: the settings chosen and the quality reached,
    so the coordinator can see how much better than a random split the circles are."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="circle_formations")
    seed = models.PositiveIntegerField(default=1)
    min_size = models.PositiveSmallIntegerField(default=5)
    max_size = models.PositiveSmallIntegerField(default=8)
    availability_weight = models.FloatField(default=2.0)
    quality = models.FloatField(default=0.0)
    start_quality = models.FloatField(default=0.0)
    unmet = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Circles formed for {self.cohort} (seed {self.seed})"


class Circle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="circles")
    formation = models.ForeignKey(
        CircleFormation, on_delete=models.SET_NULL, null=True, blank=True, related_name="circles"
    )
    number = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    min_size = models.PositiveSmallIntegerField(default=5)
    max_size = models.PositiveSmallIntegerField(default=8)
    # Agreed together at the first session; members, the facilitator and the coordinator edit.
    ground_rules = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    facilitator = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_circles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_size__gte=models.F("min_size")), name="circle_sizes_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def current_members(self):
        return self.memberships.filter(left_on__isnull=True).select_related("participant__user")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CircleMembership(models.Model):
    """A mentee's time in one circle: from `joined_on` until `left_on` (empty while current)."""

    class Reason(models.TextChoices):
        FORMED = "formed", "Placed when the circles were formed"
        JOINED_LATE = "joined_late", "Joined late"
        MOVED = "moved", "Moved circle"
        LEFT = "left", "Left the circle"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    joined_on = models.DateField(default=timezone.localdate)
    joined_reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.FORMED)
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=12, choices=Reason.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["circle", "participant__user__full_name", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"],
                condition=Q(left_on__isnull=True),
                name="one_current_circle_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.user} in {self.circle}"

    @property
    def current(self) -> bool:
        return self.left_on is None


class CircleSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    mode = models.CharField(max_length=10, choices=list(v.MEETING_MODES), default="online")
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Read by the circle's members and facilitator; never by the coordinator.
    shared_notes = models.TextField(blank=True)
    notes_updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.circle} on {self.starts_at:%d %B %Y}"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Attendance(models.Model):
    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_attendance_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.user} {'attended' if self.attended else 'missed'} {self.session}"


class CheckIn(models.Model):
    """A member's short peer check-in: how they are (1 to 5) and, if they like, a few words.
    Private to the member unless they choose to share it with their circle; the coordinator
    never reads it."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="check_ins")
    session = models.ForeignKey(
        CircleSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mood = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=280, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mood__gte=1) & Q(mood__lte=5), name="check_in_mood_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in by {self.participant.user} on {self.created_at:%d %B %Y}"
