"""Mentoring models built from workshops: a draft being built, where each theme is placed,
and the published versions, which never change once made.

A draft keeps its frame (domains, questions, qualities; see `allied.core.model`) as JSON text
and each placement as a row pointing at the workshop's theme or idea, so the trail back to the
ideas, votes and notes is read from the workshop itself. Publishing freezes all of it, trail
included, into a new `PublishedModel`: a change after that makes the next version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from allied.accounts.models import Organisation
from allied.core import model as core
from allied.workshops.models import Idea, Theme, Workshop


class ImmutableError(Exception):
    """A published version of a model is never changed or deleted: publish a new one."""


class ModelDraft(models.Model):
    """A model being built from one or more workshops of an organisation."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: changes not yet published"
        PUBLISHED = "published", "Published: no changes since the latest version"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="model_drafts"
    )
    name = models.CharField(max_length=200)
    workshops = models.ManyToManyField(Workshop, related_name="model_drafts")
    # The frame as `allied.core.model.to_json` writes it: domains (without themes), questions,
    # qualities, citation. Placements live in rows below.
    document = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The form submission that created the draft: a resent form finds it instead of making
    # another.
    submission = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def frame(self) -> core.MentoringModel:
        """Returns the draft's domains, questions and qualities (no themes), named as the draft."""
        from dataclasses import replace

        return replace(core.from_json(self.document), name=self.name)

    def latest_version(self) -> PublishedModel | None:
        """Returns the draft's latest published version, or None. One query."""
        return self.versions.order_by("-version").first()


class Placement(models.Model):
    """A workshop theme (or an idea with no theme) placed in a domain under a question."""

    draft = models.ForeignKey(ModelDraft, on_delete=models.CASCADE, related_name="placements")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    domain = models.CharField(max_length=40)
    question = models.CharField(max_length=40)
    note = models.CharField(max_length=500, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(theme__isnull=False, idea__isnull=True)
                | Q(theme__isnull=True, idea__isnull=False),
                name="placement_theme_or_idea",
            ),
            models.UniqueConstraint(
                fields=["draft", "theme"],
                condition=Q(theme__isnull=False),
                name="one_placement_per_theme",
            ),
            models.UniqueConstraint(
                fields=["draft", "idea"],
                condition=Q(idea__isnull=False),
                name="one_placement_per_idea",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} in {self.domain} ({self.question})"

    @property
    def key(self) -> str:
        """Returns the reference the core model uses: "theme-12" or "idea-40"."""
        return f"theme-{self.theme_id}" if self.theme_id else f"idea-{self.idea_id}"


class PublishedModelQuerySet(models.QuerySet):
    def latest_versions(self):
        """Returns only the newest version of each model (of each draft)."""
        newer = PublishedModel.objects.filter(
            draft=models.OuterRef("draft"), version__gt=models.OuterRef("version")
        )
        return self.exclude(models.Exists(newer)).order_by("name", "-version")


class PublishedModel(models.Model):
    """One published version of a model: the whole model, trail included, as JSON text that
    never changes. Programmes keep the version they started with."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="published_models"
    )
    draft = models.ForeignKey(
        ModelDraft, on_delete=models.RESTRICT, related_name="versions", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    json = models.TextField(help_text="The model as allied.core.model.to_json wrote it.")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PublishedModelQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "version"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A published model never changes: publish a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("A published model is never deleted: programmes may run on it.")

    def model(self) -> core.MentoringModel:
        """Returns the published model as the core's value (parses the JSON each call)."""
        return core.from_json(self.json)
