"""The coordinator's view of who is waiting at a step, and reminding them (issue 18)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import (
    Agreement,
    Cohort,
    Participant,
    Programme,
    Relationship,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(world, make_person):
    """Alder's cohort with Ines whose intake is not finished, and Mia and Max an active pair
    five weeks in with no meeting, whose agreement only Mia has signed."""
    from allied.accounts.models import Role

    programme = Programme.objects.create(organisation=world["own"], name="Alder mentoring")
    programme.coordinators.add(world["carol"])
    cohort = Cohort.objects.create(
        programme=programme, name="Spring", starts_on=date(2026, 3, 1), ends_on=date(2027, 3, 1)
    )
    ines = make_person("ines@alder.example", "Ines Intake", world["own"], Role.MENTEE)
    Participant.objects.create(cohort=cohort, user=ines, side="mentee")
    mentee = Participant.objects.create(
        cohort=cohort, user=world["mia"], side="mentee", status="ready"
    )
    mentor = Participant.objects.create(
        cohort=cohort, user=world["max_mentor"], side="mentor", status="ready"
    )
    relationship = Relationship.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        status=Relationship.Status.ACTIVE,
        source=Relationship.Source.COORDINATOR,
        started_at=timezone.now() - timedelta(weeks=5),
    )
    Agreement.objects.create(relationship=relationship, version=1, mentee_signed_version=1)
    return cohort


def test_the_coordinator_sees_who_is_waiting_where_and_reminds_them_once_a_day(
    client, world, cohort
):
    sign_in(client, world["carol"])
    url = reverse("programmes:cohort_stalled", args=[cohort.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "Intake not finished (1)" in html and "Ines Intake" in html
    assert "Agreement not signed (1)" in html and "Max Mentor" in html
    assert "A meeting is due (1)" in html and "Mia Mentee and Max Mentor" in html
    keys = [s.key for _, _, found in page.context["steps"] for s in found]
    assert len(keys) == 3

    done = client.post(url, {"stall": keys}, follow=True)
    assert "4 reminders sent." in done.content.decode()  # the meeting goes to both
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ines@alder.example",
        "max@alder.example",
        "max@alder.example",
        "mia@alder.example",
    ]
    event = AuditEvent.objects.filter(kind=Kind.REMINDER_SENT).latest("pk")
    assert event.actor == world["carol"] and event.detail["by_coordinator"] is True

    # Pressed again the same day: nobody is reminded twice.
    again = client.post(url, {"stall": keys}, follow=True).content.decode()
    assert "0 reminders sent. 3 left out" in again
    assert len(mail.outbox) == 4
    assert "Last reminded by a coordinator" in again and "Not yet" not in again


def test_a_stall_that_is_not_in_this_cohort_or_no_longer_a_stall_sends_nothing(
    client, world, cohort
):
    sign_in(client, world["carol"])
    url = reverse("programmes:cohort_stalled", args=[cohort.pk])
    Agreement.objects.filter(relationship__cohort=cohort).update(mentor_signed_version=1)
    relationship = Relationship.objects.get(cohort=cohort)
    forged = [f"agreement:{relationship.pk}:mentor", "intake:999999", "nonsense", "\x00"]
    done = client.post(url, {"stall": forged}, follow=True).content.decode()
    assert "0 reminders sent. 4 left out" in done
    assert mail.outbox == []
    assert "Choose at least one person" in client.post(url, {}, follow=True).content.decode()


def test_only_those_who_run_the_programme_see_it(client, world, cohort):
    sign_in(client, world["mia"])
    assert client.get(reverse("programmes:cohort_stalled", args=[cohort.pk])).status_code in (
        403,
        404,
    )


def test_a_reminder_sent_by_hand_is_not_sent_again_by_the_scheduled_work(client, world, cohort):
    from allied.mentoring import reminders

    Participant.objects.filter(cohort=cohort, status="intake").update(
        joined_at=timezone.now() - timedelta(days=8)
    )
    sign_in(client, world["carol"])
    url = reverse("programmes:cohort_stalled", args=[cohort.pk])
    keys = [s.key for _, _, found in client.get(url).context["steps"] for s in found]
    client.post(url, {"stall": keys})
    by_hand = len(mail.outbox)
    assert by_hand == 4
    before = AuditEvent.objects.filter(kind=Kind.REMINDER_SENT).count()
    reminders.send_due_reminders()
    relationship = Relationship.objects.get(cohort=cohort)
    ines = Participant.objects.get(cohort=cohort, status="intake")
    ours = {f"relationship {relationship.pk}", f"place {ines.pk}"}
    again = AuditEvent.objects.filter(kind=Kind.REMINDER_SENT).order_by("pk")[before:]
    assert [e.subject for e in again if e.subject in ours] == []


def test_a_closed_account_is_not_listed_and_nothing_is_recorded_for_it(client, world, cohort):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(email="ines@alder.example").update(is_active=False)
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:cohort_stalled", args=[cohort.pk])).content.decode()
    assert "Ines Intake" not in page
