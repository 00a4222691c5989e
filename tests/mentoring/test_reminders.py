"""Reminder emails: each is sent once and only once, to the pair, and never for a pair that has
ended or a meeting that was cancelled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from allied.audit.models import AuditEvent
from allied.mentoring import reminders
from allied.programmes.models import (
    Agreement,
    Cohort,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org, mia, max_mentor):
    """Mia (mentee) and Max (mentor): active for three weeks, meeting every four weeks."""
    programme = Programme.objects.create(organisation=org, name="Alder mentoring")
    cohort = Cohort.objects.create(
        programme=programme,
        name="Spring",
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 3, 1),
        status=Cohort.Status.RUNNING,
    )
    mentee = Participant.objects.create(cohort=cohort, user=mia, side="mentee", status="ready")
    mentor = Participant.objects.create(
        cohort=cohort, user=max_mentor, side="mentor", status="ready"
    )
    relationship = Relationship.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        status=Relationship.Status.ACTIVE,
        source=Relationship.Source.COORDINATOR,
        started_at=timezone.now() - timedelta(weeks=3),
    )
    # Both have signed their agreement, so no reminder to sign it comes with the others.
    Agreement.objects.create(
        relationship=relationship, version=1, mentee_signed_version=1, mentor_signed_version=1
    )
    return relationship


def agreement(relationship, **fields) -> Agreement:
    """The pair's (signed) agreement, with `fields` changed, last changed over a week ago
    unless `updated_at` says otherwise."""
    fields.setdefault("updated_at", timezone.now() - timedelta(days=8))
    Agreement.objects.filter(relationship=relationship).update(**fields)
    return Agreement.objects.get(relationship=relationship)


def meeting(relationship, starts_in: timedelta, **fields) -> Meeting:
    return Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.now() + starts_in,
        mode="in_person",
        location="Room 4, Therapy Centre",
        **fields,
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_meeting_tomorrow_is_reminded_once_to_both_with_its_details(pair):
    upcoming = meeting(pair, timedelta(hours=20), shared_notes="Secret shared words")
    first = reminders.send_due_reminders()
    second = reminders.send_due_reminders()

    assert first["meeting"] == 2 and second["meeting"] == 0
    assert recipients() == ["max@alder.example", "mia@alder.example"]
    to_mia = next(m for m in mail.outbox if m.to == ["mia@alder.example"])
    assert "Max Mentor" in to_mia.subject
    assert "Room 4, Therapy Centre" in to_mia.body
    assert "in person" in to_mia.body
    assert f"/meetings/{upcoming.pk}/" in to_mia.body
    assert "Secret shared words" not in to_mia.body
    upcoming.refresh_from_db()
    assert upcoming.reminder_sent_at is not None


def test_a_meeting_further_off_or_cancelled_is_not_reminded(pair):
    meeting(pair, timedelta(days=3))
    meeting(pair, timedelta(hours=5), status=Meeting.Status.CANCELLED)

    assert reminders.send_due_reminders()["meeting"] == 0
    assert mail.outbox == []


def test_no_reminders_at_all_for_an_ended_relationship(pair):
    meeting(pair, timedelta(hours=5))
    meeting(pair, -timedelta(days=3))
    agreement(pair, mid_review_on=date.today() - timedelta(days=1))
    pair.status = Relationship.Status.ENDED
    pair.started_at = timezone.now() - timedelta(weeks=30)
    pair.save()

    assert sum(reminders.send_due_reminders().values()) == 0
    assert mail.outbox == []


def test_an_unrecorded_meeting_gets_one_request_to_record_it(pair):
    past = meeting(pair, -timedelta(hours=30))
    meeting(pair, -timedelta(hours=10))  # not yet 24 hours ago

    assert reminders.send_due_reminders()["log"] == 2
    assert reminders.send_due_reminders()["log"] == 0
    assert recipients() == ["max@alder.example", "mia@alder.example"]
    assert all(f"/meetings/{past.pk}/" in m.body for m in mail.outbox)
    past.refresh_from_db()
    assert past.log_reminder_sent_at is not None


def test_a_recorded_meeting_needs_no_request(pair):
    meeting(pair, -timedelta(days=2), status=Meeting.Status.HELD)

    assert reminders.send_due_reminders()["log"] == 0


def test_a_meeting_is_due_once_per_agreed_interval(pair):
    """Held five weeks ago with a four-week interval: due a week ago, reminded once; the
    next reminder waits until another interval has passed."""
    agreement(pair, meeting_every_weeks=4)
    pair.started_at = timezone.now() - timedelta(weeks=9)
    pair.save()
    meeting(pair, -timedelta(weeks=5), status=Meeting.Status.HELD)

    assert reminders.send_due_reminders()["meeting_due"] == 2
    assert reminders.send_due_reminders()["meeting_due"] == 0
    assert recipients() == ["max@alder.example", "mia@alder.example"]
    assert "every 4 weeks" in mail.outbox[0].body
    assert f"/relationships/{pair.pk}/" in mail.outbox[0].body

    four_weeks_on = timezone.now() + timedelta(weeks=4)
    assert reminders.send_due_reminders(four_weeks_on)["meeting_due"] == 2
    assert reminders.send_due_reminders(four_weeks_on)["meeting_due"] == 0
    assert AuditEvent.objects.filter(kind=reminders.REMINDER_SENT).count() == 2


def test_a_meeting_arranged_or_a_longer_interval_means_nothing_is_due(pair):
    pair.started_at = timezone.now() - timedelta(weeks=5)
    pair.save()
    signed = agreement(pair, meeting_every_weeks=6)
    assert reminders.send_due_reminders()["meeting_due"] == 0

    signed.meeting_every_weeks = 4
    signed.save()
    arranged = meeting(pair, timedelta(days=10))
    assert reminders.send_due_reminders()["meeting_due"] == 0

    arranged.status = Meeting.Status.CANCELLED
    arranged.save()
    assert reminders.send_due_reminders()["meeting_due"] == 2


def test_without_an_agreement_the_programme_interval_counts(pair):
    Agreement.objects.filter(relationship=pair).delete()
    programme = pair.cohort.programme
    programme.meeting_every_weeks = 2
    programme.save()

    assert reminders.send_due_reminders()["meeting_due"] == 2


def test_a_review_reminder_goes_once_to_whoever_has_not_reviewed(pair, mia):
    agreement(
        pair,
        mid_review_on=date.today(),
        end_review_on=date.today() + timedelta(days=180),
    )
    meeting(pair, timedelta(days=7))  # so that no meeting is due
    Review.objects.create(
        relationship=pair,
        stage=Review.Stage.MID,
        author=mia,
        side="mentee",
        satisfaction=4,
        trust=4,
        psychological_safety=4,
        expectations_met=Review.Expectations.YES,
    )

    assert reminders.send_due_reminders()["review"] == 1
    assert reminders.send_due_reminders()["review"] == 0
    assert recipients() == ["max@alder.example"]
    assert "mid-point review" in mail.outbox[0].subject
    assert f"/relationships/{pair.pk}/reviews/mid/" in mail.outbox[0].body


def test_the_end_review_is_reminded_separately(pair):
    agreement(
        pair,
        mid_review_on=date.today() - timedelta(days=200),
        end_review_on=date.today() - timedelta(days=1),
    )
    meeting(pair, timedelta(days=7))

    assert reminders.send_due_reminders()["review"] == 4
    assert reminders.send_due_reminders()["review"] == 0
    subjects = sorted({m.subject.split(" with ")[0] for m in mail.outbox})
    assert subjects == ["Your end review", "Your mid-point review"]


def test_a_refused_email_is_tried_again_on_the_next_tick(pair, settings):
    """The claim rolls back with the failed send, so the reminder is not lost."""
    upcoming = meeting(pair, timedelta(hours=3))
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = False

    assert reminders.send_due_reminders()["meeting"] == 0
    upcoming.refresh_from_db()
    assert upcoming.reminder_sent_at is None

    settings.EMAIL_BACKEND = locmem
    assert reminders.send_due_reminders()["meeting"] == 2


# The steps people stall on (issue 18).


def test_an_unfinished_intake_is_reminded_once_a_week_after_the_place_was_made(org, mia):
    programme = Programme.objects.create(organisation=org, name="Alder mentoring")
    cohort = Cohort.objects.create(
        programme=programme, name="Autumn", starts_on=date(2027, 1, 1), ends_on=date(2028, 1, 1)
    )
    place = Participant.objects.create(cohort=cohort, user=mia, side="mentee")
    assert reminders.send_due_reminders()["intake"] == 0  # made just now
    Participant.objects.filter(pk=place.pk).update(joined_at=timezone.now() - timedelta(days=8))
    assert reminders.send_due_reminders()["intake"] == 1
    assert reminders.send_due_reminders()["intake"] == 0
    (sent,) = mail.outbox
    assert sent.to == ["mia@alder.example"]
    assert sent.subject == "Your intake for Alder mentoring is not finished yet"
    assert f"/places/{place.pk}/intake/" in sent.body and "Autumn cohort" in sent.body


def test_no_intake_reminder_once_it_is_complete_withdrawn_or_the_intake_closed(org, mia):
    programme = Programme.objects.create(organisation=org, name="Alder mentoring")
    cohort = Cohort.objects.create(
        programme=programme, name="Autumn", starts_on=date(2027, 1, 1), ends_on=date(2028, 1, 1)
    )
    place = Participant.objects.create(cohort=cohort, user=mia, side="mentee")
    Participant.objects.filter(pk=place.pk).update(joined_at=timezone.now() - timedelta(days=8))
    for status in (Participant.Status.READY, Participant.Status.WITHDRAWN):
        Participant.objects.filter(pk=place.pk).update(status=status)
        assert reminders.send_due_reminders()["intake"] == 0
    Participant.objects.filter(pk=place.pk).update(status=Participant.Status.INTAKE)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.MATCHING)
    assert reminders.send_due_reminders()["intake"] == 0
    assert mail.outbox == []


def test_a_request_the_mentor_has_not_answered_is_reminded_once(pair):
    Relationship.objects.filter(pk=pair.pk).update(
        status=Relationship.Status.REQUESTED,
        source=Relationship.Source.SHORTLIST,
        started_at=None,
    )
    assert reminders.send_due_reminders()["request"] == 0  # asked just now
    Relationship.objects.filter(pk=pair.pk).update(created_at=timezone.now() - timedelta(days=4))
    assert reminders.send_due_reminders()["request"] == 1
    assert reminders.send_due_reminders()["request"] == 0
    (sent,) = [m for m in mail.outbox if "waiting for your answer" in m.subject]
    assert sent.to == ["max@alder.example"] and "Mia" in sent.subject
    assert "/mentoring/requests/" in sent.body


def test_an_unsigned_agreement_is_reminded_to_whoever_has_not_signed_once_per_version(pair):
    agreement(pair, version=2, mentee_signed_version=2, mentor_signed_version=1)
    sent = reminders.send_due_reminders()
    assert sent["agreement"] == 1
    assert reminders.send_due_reminders()["agreement"] == 0
    (told,) = [m for m in mail.outbox if "agreement" in m.subject]
    assert told.to == ["max@alder.example"]
    assert f"/relationships/{pair.pk}/agreement/" in told.body
    # A new version that neither has signed: both are reminded of it, once.
    agreement(pair, version=3)
    assert reminders.send_due_reminders()["agreement"] == 2
    assert reminders.send_due_reminders()["agreement"] == 0
    # Signed by both: nothing more.
    agreement(pair, mentee_signed_version=3, mentor_signed_version=3, version=3)
    Relationship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - timedelta(weeks=9))
    assert reminders.send_due_reminders()["agreement"] == 0


def test_a_pair_that_started_this_week_is_not_yet_reminded_to_sign(pair):
    Agreement.objects.filter(relationship=pair).delete()
    Relationship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - timedelta(days=2))
    assert reminders.send_due_reminders()["agreement"] == 0
    Relationship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - timedelta(days=8))
    assert reminders.send_due_reminders()["agreement"] == 2  # no agreement yet: both


def test_a_changed_agreement_waits_a_week_before_anyone_is_reminded_to_sign_again(pair):
    # A change asks both to sign again; nobody is chased the moment it is made.
    agreement(pair, version=2, updated_at=timezone.now() - timedelta(hours=1))
    assert reminders.send_due_reminders()["agreement"] == 0
    agreement(pair, version=2)
    assert reminders.send_due_reminders()["agreement"] == 2


def test_one_signature_does_not_put_off_the_others_reminder(pair, mia):
    from allied.mentoring.relationship import agreement_sign

    signed = agreement(pair, version=2, mentee_signed_version=1, mentor_signed_version=1)
    agreement_sign(relationship=pair, by=mia, side="mentee", version=signed.version)
    assert reminders.send_due_reminders()["agreement"] == 1
    assert [m.to for m in mail.outbox if "agreement" in m.subject] == [["max@alder.example"]]
