"""Random sequences of what a coordinator and participants do to published circles, through the
same actions the pages use, with the circles' rules checked after every step.

The rules: a withdrawn participant is in no circle and facilitates none; a mentee who
facilitates is a current member of that circle; a circle without a facilitator is flagged in
the coordinator's review; nobody is in two circles of the cohort at once.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from allied.accounts.models import Organisation, Role
from allied.circles import actions
from allied.circles.models import Circle, CircleMembership
from allied.mentoring.leaving import participant_withdraw
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, Participant, Programme
from tests.conftest import create_person

pytestmark = pytest.mark.django_db

MENTEES, MENTORS, CIRCLES = 4, 1, 2


@seed(20261206)
class CirclesLifecycle(RuleBasedStateMachine):
    runs = 0

    @initialize()
    def a_cohort_with_published_circles(self):
        CirclesLifecycle.runs += 1
        run = CirclesLifecycle.runs
        organisation = Organisation.objects.create(name=f"Trust {run}", slug=f"trust-{run}")
        self.coordinator = create_person(
            f"coordinator{run}@trust.example", "Cora Coordinator", organisation, Role.COORDINATOR
        )
        programme = Programme.objects.create(organisation=organisation, name="Mentoring")
        programme.coordinators.add(self.coordinator)
        self.cohort = Cohort.objects.create(
            programme=programme,
            name="Spring",
            starts_on=date(2026, 4, 1),
            ends_on=date(2027, 3, 31),
            status=Cohort.Status.RUNNING,
        )
        self.places = []
        for side, count in (("mentee", MENTEES), ("mentor", MENTORS)):
            for i in range(count):
                user = create_person(
                    f"{side}{i}.{run}@trust.example",
                    f"{side.title()} {i}",
                    organisation,
                    Role.MENTEE,
                )
                self.places.append(
                    Participant.objects.create(
                        cohort=self.cohort, user=user, side=side, status=Participant.Status.READY
                    )
                )
        self.circles = [
            Circle.objects.create(
                cohort=self.cohort, number=n, name=f"Circle {n}", status=Circle.Status.PUBLISHED
            )
            for n in range(1, CIRCLES + 1)
        ]
        for i, place in enumerate(p for p in self.places if p.side == "mentee"):
            CircleMembership.objects.create(
                cohort=self.cohort, circle=self.circles[i % CIRCLES], participant=place
            )

    def current(self, place) -> CircleMembership | None:
        return CircleMembership.objects.filter(participant=place, left_on__isnull=True).first()

    @rule(circle=st.integers(0, CIRCLES - 1), person=st.integers(0, MENTEES + MENTORS - 1))
    def choose_a_facilitator(self, circle, person):
        with contextlib.suppress(ProgrammeError):
            actions.set_facilitator(
                circle=self.circles[circle], participant=self.places[person], by=self.coordinator
            )

    @rule(person=st.integers(0, MENTEES - 1), to=st.integers(0, CIRCLES - 1))
    def move_a_member(self, person, to):
        membership = self.current(self.places[person])
        if membership is None:
            return
        with contextlib.suppress(ProgrammeError):
            actions.move(membership=membership, to=self.circles[to], by=self.coordinator)

    @rule(person=st.integers(0, MENTEES - 1))
    def a_member_leaves_their_circle(self, person):
        membership = self.current(self.places[person])
        if membership is not None:
            actions.leave(membership=membership, by=self.coordinator)

    @rule(person=st.integers(0, MENTEES - 1), circle=st.integers(0, CIRCLES - 1))
    def a_mentee_joins_late(self, person, circle):
        with contextlib.suppress(ProgrammeError):
            actions.add_member(
                circle=self.circles[circle], participant=self.places[person], by=self.coordinator
            )

    @rule(person=st.integers(0, MENTEES + MENTORS - 1))
    def withdraw_from_the_programme(self, person):
        place = Participant.objects.get(pk=self.places[person].pk)
        try:
            participant_withdraw(place=place, by=self.coordinator)
        except ProgrammeError:
            assert place.status == Participant.Status.WITHDRAWN

    @rule(circle=st.integers(0, CIRCLES - 1))
    def a_facilitator_withdraws(self, circle):
        facilitator = Circle.objects.get(pk=self.circles[circle].pk).facilitator
        if facilitator is not None:
            participant_withdraw(place=facilitator, by=facilitator.user)

    @invariant()
    def a_withdrawn_participant_is_in_no_circle_and_facilitates_none(self):
        if not hasattr(self, "cohort"):
            return
        withdrawn = Participant.objects.filter(
            cohort=self.cohort, status=Participant.Status.WITHDRAWN
        )
        assert not CircleMembership.objects.filter(
            participant__in=withdrawn, left_on__isnull=True
        ).exists()
        assert not Circle.objects.filter(facilitator__in=withdrawn).exists()

    @invariant()
    def a_mentee_facilitates_only_a_circle_they_are_in(self):
        if not hasattr(self, "cohort"):
            return
        for circle in Circle.objects.filter(cohort=self.cohort, facilitator__side="mentee"):
            assert CircleMembership.objects.filter(
                circle=circle, participant_id=circle.facilitator_id, left_on__isnull=True
            ).exists()

    @invariant()
    def nobody_is_in_two_circles_and_a_circle_without_a_facilitator_is_flagged(self):
        if not hasattr(self, "cohort"):
            return
        places = CircleMembership.objects.filter(cohort=self.cohort, left_on__isnull=True)
        ids = list(places.values_list("participant_id", flat=True))
        assert len(ids) == len(set(ids))
        for view in actions.review(self.cohort).circles:
            flagged = "No facilitator chosen yet." in view.flags
            assert flagged == (view.circle.facilitator_id is None)


# As many examples as the hypothesis profile gives (`make test-deep` gives many more), from a
# fixed seed rather than the profile's derandomised one, which (for state machines on a
# database) let a known failing sequence pass unreported.
CirclesLifecycle.TestCase.settings = settings(derandomize=False, database=None)


def test_any_sequence_keeps_the_circles_rules(db):
    CirclesLifecycle.TestCase().runTest()
