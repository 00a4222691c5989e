"""Random sequences of a cohort's life, through the actions the pages use, with a report of a
past period checked after every step (issue 19, item 1).

People are added to the cohort, complete their intake, are paired, meet, end their mentoring
and withdraw, while the clock moves on. After every step: the database's counting agrees with
the plain reading person by person (`tests/reports/reference.py`) for all dates and for the
period; once the period is over, nothing that happens later changes what its figures count;
and no figure of 1 to 7 is ever shown. (Pairs are made directly, as the erasure lifecycle
makes its pair: matching has its own lifecycle tests.)
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.test import TestCase
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from allied.accounts.models import Organisation, Role
from allied.core.disclosure import SMALLEST_SHOWN, SUPPRESSED
from allied.mentoring import relationship as mentoring
from allied.mentoring.leaving import participant_withdraw
from allied.programmes.actions import intake, setup
from allied.programmes.errors import ProgrammeError
from allied.programmes.forms.intake import PREFERENCE_ORDER
from allied.programmes.models import Cohort, Participant, Programme, Relationship
from allied.reports import counting, measures
from tests.conftest import create_person
from tests.reports import reference

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 12, 9, tzinfo=UTC)
# The past period: from the 10th day to the 40th.
PERIOD = measures.Period(date(2026, 1, 15), date(2026, 2, 14))
ANSWERS = {
    "about": {"profession": "dietitian", "band": "band_6"},
    "you": {
        "values": ["compassion"],
        "working_style": ["structured"],
        "openness": 4.0,
        "conscientiousness": 4.0,
    },
    "needs": {"needs_need": ["confidence"]},
    "offer": {"offers": ["confidence"]},
    "preferences": {
        "preferences": {
            name: {"kind": "none", "strength": "nice_to_have", "values": []}
            for name in PREFERENCE_ORDER
        }
    },
    "equality": {"monitoring_consent": False, "matching_consent": False},
    "race": {"race_conversation": "yes", "race_comfort": "willing"},
}


@seed(20261207)
class PastPeriodReport(RuleBasedStateMachine):
    runs = 0

    @initialize()
    def a_cohort_taking_intakes(self):
        PastPeriodReport.runs += 1
        run = PastPeriodReport.runs
        self.now = START
        self.clock = mock.patch("django.utils.timezone.now", lambda: self.now)
        self.clock.start()
        self.organisation = Organisation.objects.create(name=f"Trust {run}", slug=f"past-{run}")
        self.coordinator = create_person(
            f"lead{run}@past.example", "Lee Lead", self.organisation, Role.COORDINATOR
        )
        self.programme = Programme.objects.create(
            organisation=self.organisation, name="Mentoring", meeting_every_weeks=2
        )
        self.cohort = Cohort.objects.create(
            programme=self.programme,
            name="Spring",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            status=Cohort.Status.INTAKE,
        )
        self.made = 0
        self.frozen: dict[str, int] | None = None
        # A few people who completed their intake on the first day, so pairs can form.
        for side in ("mentor", "mentor", "mentee", "mentee", "mentee"):
            self.people_are_added(side, 1)
        for place in self.places():
            self.complete(place)

    def complete(self, place: Participant) -> None:
        """The person saves every step of their intake, then submits it."""
        for step in intake.steps_for(place):
            changes = dict(ANSWERS[step])
            if step == "race":
                changes.pop("race_conversation" if place.is_mentor else "race_comfort")
            self.act(intake.save_step, place=place, step=step, changes=changes)
        self.act(intake.submit, place=place)

    def teardown(self):
        self.clock.stop()

    def act(self, action, **kwargs):
        """Runs an action as a page would; one the pages would refuse changes nothing."""
        with TestCase.captureOnCommitCallbacks(execute=True), contextlib.suppress(ProgrammeError):
            return action(**kwargs)

    def places(self, **filters):
        return list(Participant.objects.filter(cohort=self.cohort, **filters).order_by("pk"))

    @rule(days=st.integers(2, 15))
    def time_passes(self, days):
        self.now += timedelta(days=days)

    @rule(side=st.sampled_from(["mentee", "mentee", "mentor"]), many=st.integers(1, 4))
    def people_are_added(self, side, many):
        users = []
        for _ in range(many):
            self.made += 1
            users.append(
                create_person(
                    f"p{self.made}-{self.runs}@past.example",
                    f"Person {self.made}",
                    self.organisation,
                    side,
                )
            )
        self.act(setup.people_add, cohort=self.cohort, choices=[(u, side) for u in users])

    @rule(which=st.integers(0, 50))
    def someone_completes_their_intake(self, which):
        waiting = self.places(status=Participant.Status.INTAKE)
        if not waiting:
            return
        self.complete(waiting[which % len(waiting)])

    @rule(which=st.integers(0, 50))
    def a_coordinator_pairs_a_mentee(self, which):
        ready = Participant.Status.READY
        mentees = [
            p
            for p in self.places(side="mentee", status=ready)
            if not Relationship.objects.current().filter(mentee=p).exists()
        ]
        mentors = self.places(side="mentor", status=ready)
        if not mentees or not mentors:
            return
        Relationship.objects.create(
            cohort=self.cohort,
            mentee=mentees[which % len(mentees)],
            mentor=mentors[which % len(mentors)],
            status=Relationship.Status.ACTIVE,
            source=Relationship.Source.COORDINATOR,
            started_at=self.now,
        )

    def active(self):
        return list(
            Relationship.objects.filter(cohort=self.cohort, status=Relationship.Status.ACTIVE)
            .select_related("mentee__user", "mentor__user")
            .order_by("pk")
        )

    @rule(which=st.integers(0, 50), days=st.integers(0, 3))
    def a_pair_meets(self, which, days):
        pairs = self.active()
        if not pairs:
            return
        pair = pairs[which % len(pairs)]
        made = self.act(
            mentoring.meeting_schedule,
            relationship=pair,
            by=pair.mentee.user,
            starts_at=self.now + timedelta(hours=1),
            duration_minutes=60,
            mode="online",
            location="",
        )
        if made is not None:
            meeting, _ = made
            self.now += timedelta(days=days, hours=2)
            self.act(mentoring.meeting_held, meeting=meeting, by=pair.mentor.user)

    @rule(which=st.integers(0, 50), ending=st.sampled_from(["completed", "no_fault"]))
    def a_pair_ends(self, which, ending):
        pairs = self.active()
        if pairs:
            pair = pairs[which % len(pairs)]
            self.act(
                mentoring.relationship_end,
                relationship=pair,
                by=self.coordinator,
                ending=ending,
            )

    @rule(which=st.integers(0, 50))
    def someone_withdraws(self, which):
        staying = [p for p in self.places() if p.status != Participant.Status.WITHDRAWN]
        if staying:
            place = staying[which % len(staying)]
            self.act(participant_withdraw, place=place, by=place.user)

    @invariant()
    def the_counting_agrees_with_the_plain_reading(self):
        for period in (measures.Period(), PERIOD):
            counted = counting.count(self.programme, self.now, period)
            published = measures.published(counted)
            cells, _, months = reference.published_cells(
                reference.records(self.programme), self.now, period
            )
            assert {key: published.size(key) for key in published.masks} == {
                key: len(people) for key, people in cells.items()
            }
            assert published.months == months

    @invariant()
    def a_past_period_stays_as_it_was(self):
        if self.now.date() <= PERIOD.end:
            return
        counted = counting.count(self.programme, self.now, PERIOD)
        published = measures.published(counted)
        sizes = {
            key: published.size(key)
            for key in published.masks
            if key.startswith(counting.PERIOD) and "|by." not in key
        }
        if self.frozen is None:
            self.frozen = sizes
        assert sizes == self.frozen

    @invariant()
    def no_small_figure_is_shown(self):
        if self.made == 0:
            return
        counted = counting.count(self.programme, self.now, PERIOD)
        published = measures.published(counted)
        for key, value in measures.disclose_published(published).items():
            if 1 <= published.size(key) < SMALLEST_SHOWN:
                assert value == SUPPRESSED, key


PastPeriodReport.TestCase.settings = settings(
    max_examples=40 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else 5,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
test_a_past_period_report_through_a_cohort_s_life = PastPeriodReport.TestCase
