"""Each person's next steps in allyship, for the dashboard (the lead's `allied/web/views.py`
calls `steps_for`)."""

from __future__ import annotations

from django.urls import reverse

from allied.allyship.models import Completion, Reflection
from allied.programmes.models import Participant, Programme, Side


def steps_for(user) -> list[tuple[str, str]]:
    """Returns (text, href) pairs: a mentor's next required training module per programme,
    a first reflection for a mentor who has not written one, and, for coordinators of a
    programme that requires training, adding modules when it has none."""
    if not user.is_authenticated:
        return []
    steps: list[tuple[str, str]] = []
    mentoring = list(
        Programme.objects.filter(
            cohorts__participants__user=user, cohorts__participants__side=Side.MENTOR
        )
        .exclude(cohorts__participants__status=Participant.Status.WITHDRAWN)
        .distinct()
        .order_by("name")
    )
    done = set(Completion.objects.filter(user=user).values_list("module_id", flat=True))
    for programme in mentoring:
        missing = [m for m in programme.training_modules.filter(required=True) if m.pk not in done]
        if missing:
            steps.append(
                (
                    f"Complete your allyship training for {programme.name}: "
                    f"“{missing[0].title}” ({len(missing)} to go)",
                    reverse("allyship:module", args=[missing[0].pk]),
                )
            )
    if mentoring and not Reflection.objects.filter(author=user).exists():
        steps.append(("Reflect on your allyship", reverse("allyship:reflection_new")))
    for programme in Programme.objects.filter(
        coordinators=user, require_allyship_training=True, training_modules__isnull=True
    ).order_by("name"):
        steps.append(
            (
                f"Add allyship training modules to {programme.name}: it requires training "
                "before mentors are matched",
                reverse("allyship:training", args=[programme.pk]),
            )
        )
    return steps
