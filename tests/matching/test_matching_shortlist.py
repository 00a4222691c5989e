"""Shortlist mode: explained suggestions, the mentee's choice, and the mentor's answer."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from allied.accounts.models import ApiToken
from allied.core.matching import vocabulary as v
from allied.matching import actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Relationship, ShortlistOffer
from tests.conftest import sign_in
from tests.programmes.world_matching import small_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(world, make_person, django_capture_on_commit_callbacks):
    cohort = small_cohort(world, make_person, mode="shortlist", capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        actions.shortlists_generate(cohort=cohort["cohort"], by=world["carol"])
    return cohort


def offers_of(place):
    return list(ShortlistOffer.objects.filter(mentee=place, withdrawn_at__isnull=True))


def shortlist_page(client, place) -> str:
    sign_in(client, place.user)
    response = client.get(reverse("programmes:shortlist", args=[place.pk]))
    assert response.status_code == 200
    return response.content.decode()


def choose(client, place, offer, note="I would like help with my next step."):
    sign_in(client, place.user)
    return client.post(
        reverse("programmes:shortlist_choose", args=[place.pk, offer.pk]),
        {"note": note},
        follow=True,
    )


def respond(client, relationship, decision, reason=""):
    sign_in(client, relationship.mentor.user)
    return client.post(
        reverse("programmes:respond", args=[relationship.pk]),
        {"decision": decision, "reason": reason},
        follow=True,
    )


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_every_mentee_gets_explained_suggestions_and_an_email(small):
    for place in small["mentees"]:
        offers = offers_of(place)
        assert 1 <= len(offers) <= small["programme"].shortlist_size
        assert all(o.explanation for o in offers)
    assert {m.to[0] for m in mail.outbox} == {p.user.email for p in small["mentees"]}


def test_the_mentee_never_reads_anyone_s_ethnic_group_or_gender(client, small):
    place = small["mentees"][0]
    text = visible_text(shortlist_page(client, place))
    for offer in offers_of(place):
        assert offer.mentor.user.full_name in text
        for line in offer.explanation:
            assert line.replace("'", "&#x27;") in shortlist_page(client, place)
    labels = [label for _, label in [*v.ETHNIC_GROUPS, *v.GENDERS]]
    for label in labels:
        assert not re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text), label
    api = client.get(reverse("programmes:api_shortlist", args=[place.pk])).content.decode()
    for label in labels:
        assert label not in api, label


def test_choosing_a_mentor_sends_a_request_with_the_note(
    client, small, django_capture_on_commit_callbacks
):
    place = small["mentees"][0]
    offer = offers_of(place)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = choose(client, place, offer)
    assert "Your request has gone to" in response.content.decode()
    request = Relationship.objects.get(mentee=place)
    assert (request.status, request.source) == ("requested", "shortlist")
    assert request.mentee_note == "I would like help with my next step."
    assert mail.outbox[-1].to == [offer.mentor.user.email]
    assert f"/relationships/{request.pk}/respond/" in mail.outbox[-1].body
    assert "You have asked" in shortlist_page(client, place)


def test_a_mentee_has_one_request_at_a_time(client, small):
    place = small["mentees"][0]
    first, second = offers_of(place)[:2]
    choose(client, place, first)
    response = choose(client, place, second)
    assert "You already have a request" in response.content.decode()
    assert Relationship.objects.filter(mentee=place).count() == 1


def test_a_full_mentor_is_refused_and_the_mentee_stays_on_their_shortlist(small):
    ada, bea = small["mentees"][:2]
    mentor = small["mentors"][0]
    mentor.capacity = 1
    mentor.save()
    for place in (ada, bea):
        ShortlistOffer.objects.get_or_create(
            mentee=place, mentor=mentor, defaults={"rank": 9, "explanation": []}
        )
    actions.shortlist_choose(
        place=ada, offer_id=ShortlistOffer.objects.get(mentee=ada, mentor=mentor).pk, note=""
    )
    with pytest.raises(ProgrammeError, match="has no free place now"):
        actions.shortlist_choose(
            place=bea, offer_id=ShortlistOffer.objects.get(mentee=bea, mentor=mentor).pk, note=""
        )
    assert not Relationship.objects.filter(mentee=bea).exists()
    assert ShortlistOffer.objects.filter(mentee=bea, withdrawn_at__isnull=True).exists()


def test_a_note_that_is_too_long_is_a_form_error(client, small):
    place = small["mentees"][0]
    response = choose(client, place, offers_of(place)[0], note="x" * 1001)
    html = response.content.decode()
    assert "<title>Error: " in html and "1,000 characters" in html
    assert not Relationship.objects.filter(mentee=place).exists()


def requested(client, small):
    place = small["mentees"][0]
    choose(client, place, offers_of(place)[0])
    return Relationship.objects.get(mentee=place)


def test_the_mentor_sees_the_request_and_accepts(client, small, django_capture_on_commit_callbacks):
    relationship = requested(client, small)
    sign_in(client, relationship.mentor.user)
    listed = client.get(reverse("programmes:requests")).content.decode()
    assert relationship.mentee.user.full_name in listed
    assert (
        relationship.mentee_note
        in client.get(reverse("programmes:respond", args=[relationship.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        respond(client, relationship, "accept")
    relationship.refresh_from_db()
    assert relationship.status == "active" and relationship.started_at
    assert mail.outbox[-1].to == [relationship.mentee.user.email]
    assert "accepted" in mail.outbox[-1].subject
    response = respond(client, relationship, "decline")
    assert "already been answered" in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.status == "active"


def test_a_decline_returns_the_mentee_to_their_shortlist_without_the_reason(
    client, small, django_capture_on_commit_callbacks
):
    relationship = requested(client, small)
    reason = "I am on long leave from March, privately"
    with django_capture_on_commit_callbacks(execute=True):
        respond(client, relationship, "decline", reason)
    relationship.refresh_from_db()
    assert relationship.status == "declined" and relationship.decline_reason == reason
    email = mail.outbox[-1]
    assert email.to == [relationship.mentee.user.email] and reason not in email.body
    withdrawn = ShortlistOffer.objects.get(mentee=relationship.mentee, mentor=relationship.mentor)
    assert withdrawn.withdrawn_at
    place = relationship.mentee
    html = shortlist_page(client, place)
    assert reason not in html and "not able to take you on" in html
    api = client.get(reverse("programmes:api_shortlist", args=[place.pk])).content.decode()
    assert reason not in api
    # Back on the shortlist: they can choose again, but not the mentor who declined.
    assert Relationship.objects.current().filter(mentee=place).count() == 0
    response = choose(client, place, withdrawn)
    assert "no longer available" in response.content.decode()
    choose(client, place, offers_of(place)[0])
    assert Relationship.objects.current().get(mentee=place).mentor != relationship.mentor
    # The coordinator sees the reason on the matching page.
    sign_in(client, small["programme"].coordinators.get())
    assert (
        reason
        in client.get(reverse("programmes:matching", args=[small["cohort"].pk])).content.decode()
    )


def test_a_conversation_first_then_an_answer(client, small, django_capture_on_commit_callbacks):
    relationship = requested(client, small)
    with django_capture_on_commit_callbacks(execute=True):
        respond(client, relationship, "conversation")
    relationship.refresh_from_db()
    assert relationship.status == "conversation"
    assert "conversation" in mail.outbox[-1].subject
    assert "conversation with you" in shortlist_page(client, relationship.mentee)
    response = respond(client, relationship, "conversation")
    assert relationship.status == "conversation"
    assert "Error: " in response.content.decode()  # no longer one of the choices
    respond(client, relationship, "accept")
    relationship.refresh_from_db()
    assert relationship.status == "active"


def test_regenerating_keeps_requests_and_declines(client, world, small):
    relationship = requested(client, small)
    declined_by = relationship.mentor
    respond(client, relationship, "decline")
    bea = small["mentees"][1]
    choose(client, bea, offers_of(bea)[0])
    actions.shortlists_generate(cohort=small["cohort"], by=world["carol"])
    ada = relationship.mentee
    assert declined_by.pk not in [o.mentor_id for o in offers_of(ada)]
    assert ShortlistOffer.objects.get(mentee=ada, mentor=declined_by).withdrawn_at
    assert Relationship.objects.current().filter(mentee=bea).exists()


def test_a_mentee_left_without_suggestions_is_told_why(client, world, make_person):
    small = small_cohort(world, make_person, mode="shortlist", capacity=1)
    small["programme"].shortlist_size = 1
    small["programme"].save()
    actions.shortlists_generate(cohort=small["cohort"], by=world["carol"])
    (left,) = [p for p in small["mentees"] if not offers_of(p)]
    assert "could not suggest a mentor for you this time" in shortlist_page(client, left)


def test_shortlists_are_refused_when_the_coordinator_matches(client, world, make_person):
    small = small_cohort(world, make_person)
    with pytest.raises(ProgrammeError, match="matches mentors and mentees directly"):
        actions.shortlists_generate(cohort=small["cohort"], by=world["carol"])


def test_the_shortlist_api_chooses_and_the_mentor_answers(world, client, small):
    place = small["mentees"][0]
    offer = offers_of(place)[0]
    mentee = {
        "HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=place.user, name='t', verified=False)[1]}"
    }
    listed = client.get(reverse("programmes:api_shortlist", args=[place.pk]), **mentee).json()
    assert listed["suggestions"][0]["id"] == offer.pk
    chosen = client.post(
        reverse("programmes:api_shortlist_choose", args=[place.pk, offer.pk]),
        {"note": "Hello"},
        content_type="application/json",
        **mentee,
    )
    assert chosen.status_code == 201
    relationship = chosen.json()["relationship"]
    mentor = {
        "HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=offer.mentor.user, name='t', verified=False)[1]}"
    }
    bad = client.post(
        reverse("programmes:api_respond", args=[relationship]),
        {"decision": "maybe"},
        content_type="application/json",
        **mentor,
    )
    assert bad.status_code == 400
    answered = client.post(
        reverse("programmes:api_respond", args=[relationship]),
        {"decision": "accept"},
        content_type="application/json",
        **mentor,
    )
    assert answered.json()["status"] == "active"
    again = client.post(
        reverse("programmes:api_respond", args=[relationship]),
        {"decision": "accept"},
        content_type="application/json",
        **mentor,
    )
    assert again.status_code == 409
    # The mentee cannot answer their own request.
    refused = client.post(
        reverse("programmes:api_respond", args=[relationship]),
        {"decision": "accept"},
        content_type="application/json",
        **mentee,
    )
    assert refused.status_code == 403


def test_a_mentee_withdraws_a_waiting_request_and_chooses_again(
    client, small, django_capture_on_commit_callbacks
):
    relationship = requested(client, small)
    place, mentor = relationship.mentee, relationship.mentor
    assert "Withdraw my request" in shortlist_page(client, place)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:shortlist_withdraw", args=[place.pk]), follow=True
        )
    assert "has been withdrawn" in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.WITHDRAWN
    assert mail.outbox[-1].to == [mentor.user.email]
    # The mentor has nothing left to answer, and the mentee may choose again.
    assert "already been answered" in respond(client, relationship, "accept").content.decode()
    other = next(o for o in offers_of(place) if o.mentor_id != mentor.pk)
    choose(client, place, other)
    assert Relationship.objects.current().get(mentee=place).mentor_id == other.mentor_id
    # Withdrawing twice: the second finds nothing waiting, and says so.
    actions.request_withdraw(place=place, by=place.user)
    with pytest.raises(ProgrammeError, match="nothing to withdraw"):
        actions.request_withdraw(place=place, by=place.user)
