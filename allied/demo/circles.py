"""The demo's mentoring circles, loaded by `allied demo` after the demo programme.

Circles need at least five mentees with a complete intake. The demo's "Spring 2026" cohort is
one running pair, so its circles cannot be formed; "Autumn 2026" has nineteen mentees with
complete intakes, so the coordinator (Priya Raman) finds draft circles there to review, adjust
and publish. If the spring cohort ever holds enough mentees, its circles are formed and
published instead. Idempotent: a cohort that already has circles is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from allied.circles import actions
from allied.circles.models import Circle
from allied.demo.programmes import AUTUMN, PROGRAMME, SPRING
from allied.programmes.models import Cohort, Programme


@transaction.atomic
def load_demo_circles(programme: Programme | None = None) -> list[Circle]:
    """Returns the demo cohort's circles, forming them the first time."""
    programme = programme or Programme.objects.filter(name=PROGRAMME).first()
    if programme is None:
        return []
    coordinator = programme.coordinators.order_by("pk").first()
    smallest = actions.DEFAULT_SIZE[0]
    spring = Cohort.objects.filter(programme=programme, name=SPRING).first()
    autumn = Cohort.objects.filter(programme=programme, name=AUTUMN).first()
    if spring is not None and actions.eligible_mentees(spring).count() >= smallest:
        cohort, publish = spring, True
    elif autumn is not None and actions.eligible_mentees(autumn).count() >= smallest:
        cohort, publish = autumn, False
    else:
        return []
    existing = list(Circle.objects.filter(cohort=cohort))
    if existing:
        return existing
    actions.form(cohort=cohort, by=coordinator, seed=1)
    if publish:
        actions.publish(cohort=cohort, by=coordinator)
    return list(Circle.objects.filter(cohort=cohort))
