"""Each person's next steps with their mentoring circles, for the dashboard (the lead calls
`steps_for` from `allied/web/views.py`).

A member sees their circle, a session to go to, a clash to sort out, and ground rules still to
agree; a coordinator sees mentees waiting for circles, draft circles to publish and members at
risk of dropping one of the two.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from allied.circles import actions
from allied.circles.models import Circle, CircleMembership
from allied.programmes.access import RUNS, programmes_for, roles_in
from allied.programmes.models import Cohort


def steps_for(user) -> list[tuple[str, str]]:
    """Returns (text, href) pairs, most pressing first."""
    if not user.is_authenticated:
        return []
    steps: list[tuple[str, str]] = []
    commitments = reverse("circles:commitments")
    _, clashes = actions.commitments_of(user)
    if clashes:
        steps.append(
            (
                f"Sort out {len(clashes)} clash{'es' if len(clashes) != 1 else ''} between your "
                "circle and your one-to-one mentoring",
                commitments,
            )
        )
    now = timezone.now()
    memberships = CircleMembership.objects.filter(
        participant__user=user, left_on__isnull=True, circle__status=Circle.Status.PUBLISHED
    ).select_related("circle")
    for membership in memberships:
        circle = membership.circle
        href = reverse("circles:detail", args=[circle.pk])
        upcoming = circle.sessions.filter(status="scheduled", starts_at__gte=now).first()
        if upcoming:
            local = timezone.localtime(upcoming.starts_at)
            steps.append((f"{circle.name} meets on {local:%A %-d %B at %H:%M}", href))
        else:
            steps.append((f"See your mentoring circle, {circle.name}", href))
        if not circle.ground_rules:
            steps.append(
                (
                    f"Agree {circle.name}'s ground rules and goals together",
                    reverse("circles:agreement", args=[circle.pk]),
                )
            )
    for circle in Circle.objects.filter(
        facilitator__user=user, status=Circle.Status.PUBLISHED
    ).exclude(memberships__participant__user=user, memberships__left_on__isnull=True):
        if not circle.sessions.filter(status="scheduled", starts_at__gte=now).exists():
            steps.append(
                (
                    f"Arrange the next session of {circle.name}, which you facilitate",
                    reverse("circles:session_new", args=[circle.pk]),
                )
            )
    for programme in programmes_for(user):
        if not roles_in(user, programme) & set(RUNS):
            continue
        for cohort in Cohort.objects.filter(programme=programme).exclude(
            status=Cohort.Status.FINISHED
        ):
            href = reverse("circles:cohort", args=[cohort.pk])
            circles = Circle.objects.filter(cohort=cohort)
            if circles.filter(status=Circle.Status.DRAFT).exists():
                steps.append((f"Review and publish the draft circles of {cohort.name}", href))
            elif not circles.exists():
                if actions.eligible_mentees(cohort).count() >= actions.DEFAULT_SIZE[0]:
                    steps.append((f"Form mentoring circles for {cohort.name}", href))
            else:
                risky = len(actions.at_risk(cohort, now=now))
                if risky:
                    steps.append(
                        (
                            f"{risky} circle member{'s' if risky != 1 else ''} in {cohort.name} "
                            "may drop their circle or their mentoring",
                            reverse("circles:at_risk", args=[cohort.pk]),
                        )
                    )
    return steps
