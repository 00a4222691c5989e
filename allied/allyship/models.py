"""Allyship and mentor development: a person's dated self-reflections on the qualities of the
study's allyship model (`allied.core.allyship`), a programme's training modules, and each
mentor's completion of them.

A reflection is private to its author. They may share one reflection at a time with the
coordinators of one programme they take part in, and take it back. A completion's reflection is
for its author alone: coordinators see that a module was completed and when, never what was
written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from allied.core import allyship as model
from allied.programmes.models import Programme

USER = settings.AUTH_USER_MODEL
QUALITY_CHOICES = [(q.code, q.name) for q in model.QUALITIES]


class Reflection(models.Model):
    """One dated self-reflection; a person writes as many as they like, to see change."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="allyship_reflections")
    overall = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Shared with this programme's coordinators, until the author takes it back.
    shared_with = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Allyship reflection of {self.created_at:%d %B %Y}"

    def ratings(self) -> dict[str, int]:
        """Returns {quality code: rating}; reads the answers (one query unless prefetched)."""
        return {a.quality: a.rating for a in self.answers.all()}


class Answer(models.Model):
    """A self-rating (1 to 5) and the person's own words on one quality."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="answers")
    quality = models.CharField(max_length=20, choices=QUALITY_CHOICES)
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["reflection", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "quality"], name="one_answer_per_quality"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_quality_display()}: {self.rating}"


class TrainingModule(models.Model):
    """A piece of training a programme offers its mentors; required ones count towards being
    allyship trained, which the matching engine can require."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="training_modules"
    )
    title = models.CharField(max_length=200)
    content = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(default=True)
    reflection_prompt = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Completion(models.Model):
    """A person's completion of a module, with their optional short reflection (theirs alone)."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="training_completions")
    completed_at = models.DateTimeField(auto_now_add=True)
    reflection = models.TextField(blank=True)

    class Meta:
        ordering = ["module", "completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["module", "user"], name="one_completion_each"),
        ]

    def __str__(self) -> str:
        return f"Completion of module {self.module_id}"
