"""Random sequences of what a coordinator and a cohort do around matching, through the same
actions the pages use, with matching's rules checked after every step (issue 18).

The steps: run matching (again), lock, unlock, remove, swap (with a reason or without), publish,
end a relationship, withdraw someone; half the cohorts start with a pair whose mentoring ended
in an earlier cohort. The rules: no mentor above capacity, counting the draft's pairs with the
current relationships; nobody with a mentor or a request is in the draft; a pair whose
mentoring ended (in any cohort), or any pair against a hard rule, is in the draft only with the
coordinator's recorded reason; a refused swap changes nothing; nobody who left is in a current
relationship or hears a reminder (scheduled, or sent by hand from "who is waiting at a step");
the coordinator's pages render whenever they are opened.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from allied.accounts.models import Organisation, Role
from allied.matching import actions
from allied.mentoring import reminders
from allied.mentoring.leaving import participant_withdraw
from allied.mentoring.relationship import relationship_end
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, Participant, Programme, Proposal, Relationship
from tests.conftest import create_person, sign_in

pytestmark = pytest.mark.django_db

MENTEES, MENTORS = 3, 2


@seed(20261207)
class MatchingLifecycle(RuleBasedStateMachine):
    runs = 0

    @initialize(capacity=st.integers(1, 2), published=st.booleans(), earlier=st.booleans())
    def a_cohort_ready_for_matching(self, capacity, published, earlier):
        MatchingLifecycle.runs += 1
        run = MatchingLifecycle.runs
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
        )
        self.mentees, self.mentors = [], []
        for side, count, into in (
            ("mentor", MENTORS, self.mentors),
            ("mentee", MENTEES, self.mentees),
        ):
            for i in range(count):
                user = create_person(
                    f"{side}{i}.{run}@trust.example",
                    f"{side.title()} {i}",
                    organisation,
                    Role.MENTEE if side == "mentee" else Role.MENTOR,
                )
                into.append(
                    Participant.objects.create(
                        cohort=self.cohort,
                        user=user,
                        side=side,
                        status=Participant.Status.READY,
                        intake_completed_at=timezone.now(),
                        capacity=capacity if side == "mentor" else 1,
                        needs_need=["career_direction"] if side == "mentee" else [],
                        offers=["career_direction"] if side == "mentor" else [],
                        # A hard rule besides an ending: the last mentor manages the first mentee.
                        line_manager_email=(
                            self.mentors[-1].user.email if side == "mentee" and i == 0 else ""
                        ),
                    )
                )
        self.client = sign_in(Client(), self.coordinator)
        if earlier:  # the first mentee and mentor's mentoring ended in an earlier cohort
            before = Cohort.objects.create(
                programme=programme,
                name="Earlier",
                starts_on=date(2025, 4, 1),
                ends_on=date(2026, 3, 31),
                status=Cohort.Status.FINISHED,
            )
            pair = [
                Participant.objects.create(cohort=before, user=p.user, side=p.side)
                for p in (self.mentees[0], self.mentors[0])
            ]
            Relationship.objects.create(
                cohort=before, mentee=pair[0], mentor=pair[1], status=Relationship.Status.ENDED
            )
        if published:  # half the sequences start from pairs already mentoring
            actions.matching_run(cohort=self.cohort, by=self.coordinator)
            actions.matching_publish(cohort=self.cohort, **self.draft_state(), by=self.coordinator)

    # Steps ----------------------------------------------------------------------------------

    def draft_state(self) -> dict:
        draft = actions.draft_run(self.cohort)
        return {"run_id": draft.pk if draft else 0, "version": actions.run_version(draft)}

    def pairs(self) -> list[tuple[int, int, bool, str]]:
        draft = actions.draft_run(self.cohort)
        if draft is None:
            return []
        return list(
            draft.proposals.order_by("pk").values_list(
                "mentee_id", "mentor_id", "locked", "override_reason"
            )
        )

    def proposal(self, n: int) -> Proposal | None:
        draft = actions.draft_run(self.cohort)
        found = list(draft.proposals.order_by("pk")) if draft else []
        return found[n % len(found)] if found else None

    @rule()
    def run_matching(self):
        with contextlib.suppress(ProgrammeError):
            actions.matching_run(cohort=self.cohort, by=self.coordinator)

    @rule(n=st.integers(0, MENTEES - 1), locked=st.booleans())
    def lock_or_unlock(self, n, locked):
        proposal = self.proposal(n)
        if proposal is not None:
            actions.proposal_lock(
                cohort=self.cohort, **self.draft_state(), proposal_id=proposal.pk, locked=locked
            )

    @rule(n=st.integers(0, MENTEES - 1))
    def remove_a_pair(self, n):
        proposal = self.proposal(n)
        if proposal is not None:
            actions.proposal_remove(
                cohort=self.cohort, **self.draft_state(), proposal_id=proposal.pk
            )

    @rule(
        mentee=st.integers(0, MENTEES - 1),
        mentor=st.integers(0, MENTORS - 1),
        reason=st.sampled_from(["", "  ", "They asked for each other."]),
    )
    def swap(self, mentee, mentor, reason):
        before = self.pairs()
        try:
            made = actions.proposal_assign(
                cohort=self.cohort,
                **self.draft_state(),
                mentee_id=self.mentees[mentee].pk,
                mentor_id=self.mentors[mentor].pk,
                by=self.coordinator,
                override_reason=reason,
            )
        except actions.RuleBreach as breach:
            assert not reason.strip() and breach.breaches
            assert self.pairs() == before, "a refused swap changed the draft"
        except ProgrammeError:
            assert self.pairs() == before, "a refused swap changed the draft"
        else:
            assert made.locked
            assert bool(made.override_reason) == bool(made.breaches)

    @rule()
    def publish(self):
        with contextlib.suppress(ProgrammeError):
            actions.matching_publish(cohort=self.cohort, **self.draft_state(), by=self.coordinator)

    @rule(n=st.integers(0, MENTEES - 1), then_run=st.booleans())
    def end_a_relationship(self, n, then_run):
        relationship = Relationship.objects.filter(
            mentee=self.mentees[n], status=Relationship.Status.ACTIVE
        ).first()
        if relationship is not None:
            relationship_end(
                relationship=relationship,
                by=self.mentees[n].user,
                ending=Relationship.Ending.NO_FAULT,
            )
        if then_run:  # the sequence that went wrong: an ending, then matching again
            self.run_matching()

    @rule(n=st.integers(0, MENTEES + MENTORS - 1))
    def withdraw(self, n):
        place = Participant.objects.get(pk=[*self.mentees, *self.mentors][n].pk)
        with contextlib.suppress(ProgrammeError):
            participant_withdraw(place=place, by=self.coordinator)

    # Rules ----------------------------------------------------------------------------------

    @invariant()
    def no_mentor_above_capacity_and_nobody_with_a_mentor_in_the_draft(self):
        if not hasattr(self, "cohort"):
            return
        draft = actions.draft_run(self.cohort)
        for mentor in Participant.objects.filter(cohort=self.cohort, side="mentor"):
            current = Relationship.objects.current().filter(mentor=mentor).count()
            assert current <= mentor.capacity
            if draft is not None:
                proposed = draft.proposals.filter(mentor=mentor).count()
                assert current + proposed <= mentor.capacity, "the draft overfills a mentor"
        if draft is not None:  # matching leaves out anyone who has a mentor or a request
            with_mentors = Relationship.objects.current().values("mentee_id")
            assert not draft.proposals.filter(mentee__in=with_mentors).exists()

    @invariant()
    def an_ended_pair_or_a_broken_rule_is_proposed_only_with_a_recorded_reason(self):
        if not hasattr(self, "cohort"):
            return
        draft = actions.draft_run(self.cohort)
        if draft is None:
            return
        # By account: an ending in an earlier cohort counts too.
        ended = set(
            Relationship.objects.filter(
                cohort__programme=self.cohort.programme, status=Relationship.Status.ENDED
            ).values_list("mentee__user", "mentor__user")
        )
        for proposal in draft.proposals.select_related("mentee", "mentor"):
            breaks = any(line.startswith("Breaks a hard rule") for line in proposal.explanation)
            users = (proposal.mentee.user_id, proposal.mentor.user_id)
            if users in ended or breaks:
                assert proposal.override_reason.strip(), proposal.explanation
                assert proposal.overridden_by_id == self.coordinator.pk

    @invariant()
    def nobody_who_left_is_matched(self):
        if not hasattr(self, "cohort"):
            return
        left = Participant.objects.filter(cohort=self.cohort, status=Participant.Status.WITHDRAWN)
        assert not Relationship.objects.current().filter(mentee__in=left).exists()
        assert not Relationship.objects.current().filter(mentor__in=left).exists()

    @rule(days=st.sampled_from([1, 4, 8, 40]), by_hand=st.booleans())
    def time_passes_and_people_are_reminded(self, days, by_hand):
        """The scheduled reminders run some days on, or the coordinator reminds everyone on
        the "who is waiting" page: nobody who left hears anything."""
        mail.outbox = []
        if by_hand:
            url = reverse("programmes:cohort_stalled", args=[self.cohort.pk])
            page = self.client.get(url)
            assert page.status_code == 200
            keys = [s.key for _, _, found in page.context["steps"] for s in found]
            if keys:
                assert self.client.post(url, {"stall": keys}).status_code == 302
        else:
            reminders.send_due_reminders(timezone.now() + timedelta(days=days))
        left = set(
            Participant.objects.filter(
                cohort=self.cohort, status=Participant.Status.WITHDRAWN
            ).values_list("user__email", flat=True)
        )
        told = {address for message in mail.outbox for address in message.to}
        assert not told & left, told & left

    @rule()
    def the_coordinator_opens_the_matching_page(self):
        # A step, not an invariant: rendering after every step would triple the test's time.
        page = self.client.get(reverse("programmes:matching", args=[self.cohort.pk]))
        assert page.status_code == 200
        overridden = [reason for *_, reason in self.pairs() if reason]
        assert page.content.decode().count("Paired against a hard rule") == len(overridden)


# As many examples as the hypothesis profile gives (`make test-deep` gives many more), from a
# fixed seed, as the other state machines on a database do.
MatchingLifecycle.TestCase.settings = settings(derandomize=False, database=None)


def test_any_sequence_keeps_matching_rules(db):
    MatchingLifecycle.TestCase().runTest()


@pytest.mark.parametrize("by_hand", [False, True])
def test_someone_who_withdrew_after_publishing_hears_no_reminder_later(db, by_hand):
    # The shortest sequence for the rule above, kept whatever the random runs draw.
    machine = MatchingLifecycle()
    machine.a_cohort_ready_for_matching(capacity=2, published=True, earlier=False)
    machine.withdraw(0)
    machine.time_passes_and_people_are_reminded(days=8, by_hand=by_hand)
    machine.withdraw(MENTEES)  # a mentor, with two mentees
    machine.time_passes_and_people_are_reminded(days=40, by_hand=by_hand)
