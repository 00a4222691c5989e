"""A small programme with known figures, built in the test's own organisation (Alder)."""

from __future__ import annotations

from datetime import date, timedelta

from allied.accounts.models import User
from allied.programmes.models import Cohort, Meeting, Participant, Programme, Relationship, Review

DAY = timedelta(days=1)


class Builder:
    def __init__(self, world, now):
        self.world = world
        self.now = now
        self.made = 0
        self.programme = Programme.objects.create(
            organisation=world["own"], name="Evaluation programme", meeting_every_weeks=4
        )
        self.programme.coordinators.add(world["carol"])

    def cohort(self, name: str, starts_on: date = date(2026, 1, 1)) -> Cohort:
        return Cohort.objects.create(
            programme=self.programme,
            name=name,
            starts_on=starts_on,
            ends_on=starts_on + 364 * DAY,
            status=Cohort.Status.RUNNING,
        )

    def places(
        self,
        cohort,
        side,
        n,
        status=Participant.Status.READY,
        completed=None,
        joined=None,
        withdrawn=None,
    ):
        made = []
        for _ in range(n):
            self.made += 1
            user = User.objects.create_user(
                f"person{self.made}@alder.example", None, full_name=f"Person {self.made}"
            )
            made.append(
                Participant.objects.create(
                    cohort=cohort,
                    user=user,
                    side=side,
                    status=status,
                    intake_completed_at=completed,
                    withdrawn_at=withdrawn,
                )
            )
        if joined is not None:
            Participant.objects.filter(pk__in=[p.pk for p in made]).update(joined_at=joined)
            for place in made:
                place.joined_at = joined
        return made

    def pair(self, mentee, mentor, status, started_days_ago, ended_days_ago=None, ending=""):
        return Relationship.objects.create(
            cohort=mentee.cohort,
            mentee=mentee,
            mentor=mentor,
            status=status,
            source=Relationship.Source.COORDINATOR,
            started_at=self.now - started_days_ago * DAY,
            ended_at=self.now - ended_days_ago * DAY if ended_days_ago is not None else None,
            ending=ending,
        )

    def meeting(self, relationship, days_ago):
        return Meeting.objects.create(
            relationship=relationship,
            starts_at=self.now - days_ago * DAY,
            status=Meeting.Status.HELD,
        )

    def review(self, relationship, expectations="yes", satisfaction=4, days_ago=1, stage="end"):
        return Review.objects.create(
            relationship=relationship,
            stage=stage,
            author=relationship.mentee.user,
            side="mentee",
            satisfaction=satisfaction,
            trust=5,
            psychological_safety=3,
            expectations_met=expectations,
            submitted_at=self.now - days_ago * DAY,
        )


def known_programme(world, now, *, partly: int = 0) -> tuple[Builder, Cohort]:
    """One cohort: 10 mentees in active pairs (matched 10 days after their intake, each met 7
    days ago, each reviewed), 10 in completed pairs (met 200 days ago), 8 unmatched, 10
    mentors. `partly` of the active mentees answer "partly" to expectations met."""
    b = Builder(world, now)
    cohort = b.cohort("Cohort A")
    active = b.places(cohort, "mentee", 10, completed=now - 110 * DAY)
    done = b.places(cohort, "mentee", 10, completed=now - 330 * DAY)
    b.places(cohort, "mentee", 8, completed=now - 20 * DAY)
    mentors = b.places(cohort, "mentor", 10)
    for i, mentee in enumerate(active):
        rel = b.pair(mentee, mentors[i], Relationship.Status.ACTIVE, 100)
        b.meeting(rel, 7)
        b.review(
            rel, satisfaction=1, days_ago=30, stage="mid"
        )  # an earlier review: only the latest counts
        b.review(rel, expectations="partly" if i < partly else "yes")
    for i, mentee in enumerate(done):
        rel = b.pair(
            mentee, mentors[i], Relationship.Status.ENDED, 320, 180, Relationship.Ending.COMPLETED
        )
        b.meeting(rel, 200)
    return b, cohort
