"""Leaving a programme: by one's own choice or withdrawn by the coordinator."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.mentoring.steps import participant_steps
from allied.programmes.models import Participant, Relationship, ShortlistOffer
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_mentee_who_leaves_ends_her_mentoring_without_blame_and_is_asked_nothing_more(
    client, world, django_capture_on_commit_callbacks
):
    place, relationship = world["mentee_place_own"], world["relationship_own"]
    sign_in(client, world["mia"])
    page = client.get(reverse("programmes:place_leave", args=[place.pk])).content.decode()
    assert "your mentoring with Max Mentor ends without blame" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:place_leave", args=[place.pk]))
    assert response["Location"] == reverse("web:dashboard")
    place.refresh_from_db()
    relationship.refresh_from_db()
    assert place.status == Participant.Status.WITHDRAWN
    # When she left, for reports of the period it fell in.
    assert place.withdrawn_at is not None and place.withdrawn_at >= relationship.ended_at
    assert relationship.status == Relationship.Status.ENDED
    assert relationship.ending == Relationship.Ending.NO_FAULT
    assert world["max_mentor"].email in {to for m in mail.outbox for to in m.to}
    assert participant_steps(world["mia"]) == []
    assert AuditEvent.objects.filter(
        kind=Kind.PROGRAMME_CHANGED, detail__action="participant_withdrawn"
    ).exists()
    # Leaving twice: the place is gone from her pages.
    assert client.post(reverse("programmes:place_leave", args=[place.pk])).status_code == 404


def test_a_coordinator_withdraws_a_mentor_and_their_waiting_request_is_declined(client, world):
    mentor, mentee = world["mentor_place_own"], world["mentee_place_own"]
    Relationship.objects.filter(pk=world["relationship_own"].pk).update(status="requested")
    ShortlistOffer.objects.update_or_create(
        mentee=mentee, mentor=mentor, defaults={"rank": 1, "withdrawn_at": None}
    )
    sign_in(client, world["carol"])
    url = reverse("programmes:person_withdraw", args=[world["cohort_own"].pk, mentor.pk])
    client.post(url)
    mentor.refresh_from_db()
    assert mentor.status == Participant.Status.WITHDRAWN
    assert Relationship.objects.get(pk=world["relationship_own"].pk).status == "declined"
    assert not ShortlistOffer.objects.filter(mentor=mentor, withdrawn_at__isnull=True).exists()
    # The mentee goes back to matching, and a second withdrawal changes nothing.
    assert not Relationship.objects.current().filter(mentee=mentee).exists()
    response = client.post(url, follow=True)
    assert "has already left this cohort" in response.content.decode()


def test_someone_else_cannot_make_a_person_leave(client, world):
    place = world["mentee_place_own"]
    sign_in(client, world["max_mentor"])
    assert client.post(reverse("programmes:place_leave", args=[place.pk])).status_code == 404
    place.refresh_from_db()
    assert place.status == Participant.Status.READY
