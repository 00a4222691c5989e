"""Random sequences of what a mentoring pair does with their meetings, ended by either of them
leaving, or by either being erased, through the same actions the pages use, with the pair's
calendars checked after every step.

The rules: every person still here holds, for every meeting they were sent, the meeting as it
stands (the last calendar email about it is a REQUEST at the meeting's SEQUENCE while it is
planned, a CANCEL at its SEQUENCE once it is cancelled); no meeting is planned in an ended
relationship; after an erasure nothing is sent to the erased person or names them; and the
private notes of the person still here stay theirs, with the erased person's name taken out.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from hypothesis import seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from allied.accounts.models import Organisation, Role
from allied.mentoring import ics
from allied.mentoring import relationship as mentoring
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Cohort,
    Meeting,
    Participant,
    PrivateNote,
    Programme,
    Relationship,
)
from allied.rights import actions as rights
from tests.conftest import create_person

pytestmark = pytest.mark.django_db

SIDES = ("mentee", "mentor")


def calendars(message):
    """(UID, METHOD, SEQUENCE) of each calendar attached to the message."""
    found = []
    for attachment in message.attachments:
        if attachment[0].endswith(".ics"):
            fields = {name: value for name, _, value in ics.parse(attachment[1])}
            found.append((fields["UID"], fields["METHOD"], int(fields["SEQUENCE"])))
    return found


@seed(20261207)
class ErasureWithMeetings(RuleBasedStateMachine):
    runs = 0

    @initialize()
    def a_pair_in_an_active_relationship(self):
        ErasureWithMeetings.runs += 1
        run = ErasureWithMeetings.runs
        organisation = Organisation.objects.create(name=f"Trust {run}", slug=f"erase-{run}")
        self.admin = create_person(
            f"admin{run}@trust.example", "Ada Admin", organisation, Role.ORG_ADMIN
        )
        programme = Programme.objects.create(organisation=organisation, name="Mentoring")
        cohort = Cohort.objects.create(
            programme=programme,
            name="Spring",
            starts_on=date(2026, 4, 1),
            ends_on=date(2027, 3, 31),
            status=Cohort.Status.RUNNING,
        )
        self.people, places = {}, {}
        for side, name in (("mentee", "Nkechi Obi"), ("mentor", "Priya Shah")):
            user = create_person(f"{side}{run}@trust.example", name, organisation, side)
            self.people[side] = user
            places[side] = Participant.objects.create(
                cohort=cohort, user=user, side=side, status=Participant.Status.READY
            )
        self.relationship = Relationship.objects.create(
            cohort=cohort,
            mentee=places["mentee"],
            mentor=places["mentor"],
            status=Relationship.Status.ACTIVE,
            source=Relationship.Source.COORDINATOR,
            started_at=timezone.now() - timedelta(days=30),
        )
        self.addresses = {side: user.email for side, user in self.people.items()}
        self.names = {side: user.full_name for side, user in self.people.items()}
        self.erased: dict[str, int] = {}  # side: how many emails had gone before the erasure
        self.notes: dict[str, set[int]] = {side: set() for side in SIDES}
        mail.outbox = []

    def act(self, action, **kwargs):
        """Runs an action as a page would, with its emails sent once it commits."""
        with TestCase.captureOnCommitCallbacks(execute=True), contextlib.suppress(ProgrammeError):
            action(**kwargs)

    def meetings(self):
        return list(Meeting.objects.filter(relationship=self.relationship).order_by("pk"))

    def fresh_relationship(self):
        return Relationship.objects.select_related("mentee__user", "mentor__user").get(
            pk=self.relationship.pk
        )

    @rule(side=st.sampled_from(SIDES), days=st.integers(1, 60))
    def schedule_a_meeting(self, side, days):
        if side in self.erased:
            return
        self.act(
            mentoring.meeting_schedule,
            relationship=self.fresh_relationship(),
            by=self.people[side],
            starts_at=timezone.now() + timedelta(days=days),
            duration_minutes=60,
            mode="online",
            location="",
        )

    @rule(side=st.sampled_from(SIDES), which=st.integers(0, 5), days=st.integers(1, 60))
    def move_a_meeting(self, side, which, days):
        meetings = [m for m in self.meetings() if m.status == Meeting.Status.SCHEDULED]
        if side in self.erased or not meetings:
            return
        self.act(
            mentoring.meeting_reschedule,
            meeting=meetings[which % len(meetings)],
            by=self.people[side],
            starts_at=timezone.now() + timedelta(days=days),
            duration_minutes=45,
            mode="online",
            location="",
        )

    @rule(side=st.sampled_from(SIDES), which=st.integers(0, 5))
    def cancel_a_meeting(self, side, which):
        meetings = [m for m in self.meetings() if m.status == Meeting.Status.SCHEDULED]
        if side in self.erased or not meetings:
            return
        self.act(
            mentoring.meeting_cancel, meeting=meetings[which % len(meetings)], by=self.people[side]
        )

    @rule(side=st.sampled_from(SIDES), which=st.integers(0, 5))
    def write_a_private_note_naming_the_other(self, side, which):
        meetings = self.meetings()
        if side in self.erased or not meetings:
            return
        other = "mentor" if side == "mentee" else "mentee"
        before = set(
            PrivateNote.objects.filter(author=self.people[side]).values_list("pk", flat=True)
        )
        self.act(
            mentoring.private_note_save,
            meeting=meetings[which % len(meetings)],
            by=self.people[side],
            text=f"Talked with {self.names[other]} ({self.addresses[other]}) about the band 6 post.",
        )
        after = PrivateNote.objects.filter(author=self.people[side]).values_list("pk", flat=True)
        self.notes[side] |= set(after) - before

    @rule(side=st.sampled_from(SIDES))
    def end_the_relationship(self, side):
        if side in self.erased:
            return
        self.act(
            mentoring.relationship_end,
            relationship=self.fresh_relationship(),
            by=self.people[side],
            ending=Relationship.Ending.NO_FAULT,
        )

    @rule(side=st.sampled_from(SIDES))
    def erase_one_of_them(self, side):
        if side in self.erased:
            return
        self.erased[side] = len(mail.outbox)
        user = type(self.people[side]).objects.get(pk=self.people[side].pk)
        self.act(rights.person_erase, user=user, by=self.admin)

    @invariant()
    def everyone_still_here_holds_each_meeting_as_it_stands(self):
        if not hasattr(self, "relationship"):
            return
        for meeting in self.meetings():
            uid = f"{meeting.uid}@allied"
            for side, address in self.addresses.items():
                if side in self.erased:
                    continue
                sent = [
                    found
                    for message in mail.outbox
                    if address in message.to
                    for found in calendars(message)
                    if found[0] == uid
                ]
                assert sent, (side, meeting.status)
                _, method, sequence = sent[-1]
                expected = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
                assert (method, sequence) == (expected, meeting.sequence), (side, sent)

    @invariant()
    def no_meeting_is_planned_once_the_relationship_has_ended(self):
        if not hasattr(self, "relationship"):
            return
        if self.fresh_relationship().status != Relationship.Status.ACTIVE:
            assert not Meeting.objects.filter(
                relationship=self.relationship,
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=timezone.now(),
            ).exists()

    @invariant()
    def nothing_is_sent_to_or_names_an_erased_person_afterwards(self):
        if not hasattr(self, "relationship"):
            return
        for side, before in self.erased.items():
            for message in mail.outbox[before:]:
                assert self.addresses[side] not in message.to
                text = message.subject + message.body
                text += "".join(a[1] for a in message.attachments if isinstance(a[1], str))
                assert not re.search(re.escape(self.names[side]), text), side
                assert self.addresses[side] not in text, side

    @invariant()
    def the_notes_of_whoever_is_still_here_stay_without_the_erased_name(self):
        if not hasattr(self, "relationship"):
            return
        for side, pks in self.notes.items():
            if side in self.erased:
                assert not PrivateNote.objects.filter(pk__in=pks).exists()
                continue
            texts = list(PrivateNote.objects.filter(pk__in=pks).values_list("text", flat=True))
            assert len(texts) == len(pks), side
            for erased in self.erased:
                for text in texts:
                    assert self.names[erased] not in text and self.addresses[erased] not in text


# As many examples as the hypothesis profile gives (`make test-deep` gives many more), from a
# fixed seed, as the other lifecycles do.
ErasureWithMeetings.TestCase.settings = settings(derandomize=False, database=None)


def test_any_sequence_of_meetings_endings_and_erasures_keeps_the_calendars_right(db):
    ErasureWithMeetings.TestCase().runTest()
