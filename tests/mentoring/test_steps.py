"""Each person's next steps on their dashboard: what they owe, where to do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.mentoring.steps import coordinator_steps, participant_steps
from allied.programmes.models import (
    Agreement,
    Cohort,
    Meeting,
    Participant,
    Programme,
    Relationship,
    ShortlistOffer,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def texts(steps):
    return [step.text for step in steps]


def only_place(user):
    [(place, steps)] = participant_steps(user)
    return place, steps


def test_a_mentee_in_a_running_pair_is_asked_to_arrange_a_meeting_and_confirm_sponsorship(world):
    place, steps = only_place(world["mia"])
    assert place == world["mentee_place_own"]
    assert texts(steps) == [
        "Arrange your next meeting with Max Mentor",
        "Confirm 1 sponsorship action Max Mentor recorded",
    ]
    relationship = reverse("programmes:relationship", args=[world["relationship_own"].pk])
    assert {step.href for step in steps} == {relationship}


def test_an_unsigned_agreement_comes_first_and_a_past_meeting_asks_to_be_recorded(world):
    agreement = world["relationship_own"].agreement
    Agreement.objects.filter(pk=agreement.pk).update(version=2)
    Meeting.objects.create(
        relationship=world["relationship_own"],
        starts_at=timezone.now() - timedelta(days=2),
    )
    _, steps = only_place(world["max_mentor"])
    assert texts(steps)[0] == "Agree your expectations with Mia Mentee"
    assert texts(steps)[1].startswith("Record whether your meeting with Mia Mentee on ")
    # Once Max signs, he waits for Mia: information, not a link to follow.
    Agreement.objects.filter(pk=agreement.pk).update(mentor_signed_version=2)
    _, steps = only_place(world["max_mentor"])
    assert steps[0].text == "Waiting for Mia Mentee to sign your agreement"
    assert steps[0].action is False


def test_a_due_review_is_asked_for_until_it_is_sent(world):
    agreement = world["relationship_own"].agreement
    Agreement.objects.filter(pk=agreement.pk).update(
        mid_review_on=timezone.localdate() - timedelta(days=1)
    )
    _, mentor_steps = only_place(world["max_mentor"])
    _, mentee_steps = only_place(world["mia"])
    assert "Complete your mid-point review" in texts(mentor_steps)
    # Mia sent hers (the world has her mid-point review).
    assert "Complete your mid-point review" not in texts(mentee_steps)


def test_a_mentor_is_asked_to_answer_a_request_on_the_answer_page(world):
    Relationship.objects.filter(pk=world["relationship_own"].pk).update(status="requested")
    _, steps = only_place(world["max_mentor"])
    assert texts(steps) == ["Reply to Mia Mentee's request to be your mentee"]
    assert steps[0].href == reverse("programmes:respond", args=[world["relationship_own"].pk])
    _, steps = only_place(world["mia"])
    assert texts(steps) == ["Waiting for Max Mentor to reply to your request"]


def test_an_unfinished_intake_and_a_shortlist_lead_to_their_pages(world):
    mentee = world["mentee_place_own"]
    Relationship.objects.filter(pk=world["relationship_own"].pk).update(status="ended")
    Participant.objects.filter(pk=mentee.pk).update(status=Participant.Status.INTAKE)
    _, steps = only_place(world["mia"])
    assert steps[0].href == reverse("programmes:intake", args=[mentee.pk])
    Participant.objects.filter(pk=mentee.pk).update(status=Participant.Status.READY)
    _, steps = only_place(world["mia"])
    assert steps[0].action is False  # waiting for the coordinator to match
    Programme.objects.filter(pk=world["programme_own"].pk).update(matching_mode="shortlist")
    ShortlistOffer.objects.update_or_create(
        mentee=mentee, mentor=world["mentor_place_own"], defaults={"rank": 1, "withdrawn_at": None}
    )
    _, steps = only_place(world["mia"])
    assert texts(steps) == ["Choose a mentor from your suggestions"]
    assert steps[0].href == reverse("programmes:shortlist", args=[mentee.pk])


def test_a_finished_cohort_asks_nothing_more(world):
    Cohort.objects.filter(pk=world["cohort_own"].pk).update(status=Cohort.Status.FINISHED)
    assert participant_steps(world["mia"]) == []


def test_coordinators_and_admins_see_concerns_and_pairs_at_risk(world):
    [(programme, steps)] = coordinator_steps(world["carol"])
    assert programme == world["programme_own"]
    assert texts(steps) == [
        "1 concern to read",
        "Spring cohort: check how the mentoring relationships are going",
    ]
    # No meeting held for more than twice the meeting interval: at risk.
    Meeting.objects.filter(relationship=world["relationship_own"]).update(
        starts_at=timezone.now() - timedelta(weeks=9)
    )
    [(_, steps)] = coordinator_steps(world["carol"])
    assert texts(steps)[1] == "Spring cohort: 1 mentoring relationship may be at risk"
    # Birch has no coordinator: its admin is told about its concern.
    [(programme, steps)] = coordinator_steps(world["olga"])
    assert programme == world["programme_other"]
    assert texts(steps)[0] == "1 concern to read"
    assert coordinator_steps(world["mia"]) == []


def test_the_dashboard_shows_the_steps(client, world):
    sign_in(client, world["mia"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Your mentoring" in page
    assert "Arrange your next meeting with Max Mentor" in page
    sign_in(client, world["carol"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Programmes you coordinate" in page
    assert "1 concern to read" in page
