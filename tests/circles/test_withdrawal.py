"""A participant who leaves the programme leaves their circle, and never stays its facilitator.

The rule: a withdrawn participant, mentor or mentee, is never a circle's facilitator; the
circle is left with none, flagged in the coordinator's review ("No facilitator chosen yet"),
and the coordinator is emailed. The shared `world` has Mia in Circle 1, facilitated by Max.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from allied.circles import actions
from allied.circles.models import Circle, CircleMembership
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def withdraw(client, world, place, django_capture_on_commit_callbacks):
    sign_in(client, world["carol"])
    url = reverse("programmes:person_withdraw", args=[world["cohort_own"].pk, place.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302


def test_a_withdrawn_mentor_no_longer_facilitates_and_the_coordinator_is_told(
    client, world, django_capture_on_commit_callbacks
):
    circle = world["circle_own"]
    withdraw(client, world, world["mentor_place_own"], django_capture_on_commit_callbacks)
    circle.refresh_from_db()
    assert circle.facilitator is None
    page = client.get(reverse("circles:cohort", args=[world["cohort_own"].pk]))
    assert "No facilitator chosen yet." in page.content.decode()
    told = [m for m in mail.outbox if "no facilitator" in m.subject]
    assert len(told) == 1
    assert told[0].to == [world["carol"].email]
    assert told[0].subject == "Circle 1 has no facilitator"
    assert "The facilitator of Circle 1 has left" in told[0].body
    assert "has no facilitator now" in told[0].body


def test_a_withdrawn_mentee_who_facilitated_leaves_her_circle_without_a_facilitator(
    client, world, django_capture_on_commit_callbacks
):
    circle, mia = world["circle_own"], world["mentee_place_own"]
    actions.set_facilitator(circle=circle, participant=mia, by=world["carol"])
    withdraw(client, world, mia, django_capture_on_commit_callbacks)
    circle.refresh_from_db()
    assert circle.facilitator is None
    membership = CircleMembership.objects.get(circle=circle, participant=mia)
    assert membership.left_on is not None
    assert membership.left_reason == CircleMembership.Reason.LEFT
    assert [m.to for m in mail.outbox if "no facilitator" in m.subject] == [[world["carol"].email]]


def test_a_withdrawn_member_who_did_not_facilitate_changes_nothing_else(
    client, world, django_capture_on_commit_callbacks
):
    circle = world["circle_own"]
    withdraw(client, world, world["mentee_place_own"], django_capture_on_commit_callbacks)
    assert Circle.objects.get(pk=circle.pk).facilitator_id == world["mentor_place_own"].pk
    assert not [m for m in mail.outbox if "no facilitator" in m.body]


def test_with_nobody_to_tell_the_circle_is_still_flagged_and_the_gap_is_logged(
    client, world, django_capture_on_commit_callbacks, caplog
):
    from allied.accounts.models import Membership, Role

    world["programme_own"].coordinators.clear()
    Membership.objects.filter(organisation=world["own"], role=Role.ORG_ADMIN).delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.participant_left(place=world["mentor_place_own"], by=world["carol"])
    assert Circle.objects.get(pk=world["circle_own"].pk).facilitator is None
    assert not [m for m in mail.outbox if "no facilitator" in m.subject]
    assert "has nobody to tell" in caplog.text
