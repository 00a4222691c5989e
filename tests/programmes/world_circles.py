"""Objects the circles area's access-matrix rows need, added to the shared world.

On each side a published circle in the spring cohort: Mia (own) or Omar (other) is its member
and Max (own) or Orla (other) its facilitator, with one session arranged next week.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def add(world: dict, make_person) -> dict:
    from allied.circles.models import Circle, CircleMembership, CircleSession

    added: dict = {}
    for side in ("own", "other"):
        cohort = world[f"cohort_{side}"]
        circle = Circle.objects.create(
            cohort=cohort,
            number=1,
            name="Circle 1",
            status=Circle.Status.PUBLISHED,
            published_at=timezone.now(),
            facilitator=world[f"mentor_place_{side}"],
        )
        membership = CircleMembership.objects.create(
            cohort=cohort, circle=circle, participant=world[f"mentee_place_{side}"]
        )
        session = CircleSession.objects.create(
            circle=circle, starts_at=timezone.now() + timedelta(days=7), duration_minutes=90
        )
        added.update(
            {
                f"circle_{side}": circle,
                f"circle_membership_{side}": membership,
                f"circle_session_{side}": session,
            }
        )
    return added
