"""Join codes and links are guessed, not mistyped by their owners: codes that match nothing
from one address are stopped after `GUESS_LIMIT`, whatever the next code is, while a whole
room joining from one address is never slowed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

VENUE, GUESSER = "198.51.100.20", "203.0.113.9"


def api_join(code, address, **body):
    return Client().post(
        reverse("workshops:api_join", args=[code]),
        {"consent": True, **body},
        "application/json",
        REMOTE_ADDR=address,
    )


def test_three_hundred_people_join_from_one_address(workshop):
    answers = {api_join(workshop.join_code, VENUE).status_code for _ in range(300)}
    assert answers == {201}
    assert workshop.participants.count() == 300


def test_three_hundred_people_join_late_from_one_address_and_wait_to_be_let_in(workshop, fay):
    """Joins after silent generation has begun go through the same throttle: a room arriving
    late from a trust's shared network is never slowed, but nobody takes part unasked."""
    from allied.workshops import actions

    actions.workshop_start(workshop=workshop, by=fay)
    actions.phase_move(question=workshop.questions.first(), to_phase="silent", by=fay)
    answers = [api_join(workshop.join_code, VENUE) for _ in range(300)]
    assert {answer.status_code for answer in answers} == {201}
    assert {answer.json()["admission"] for answer in answers} == {"waiting"}
    assert len(actions.waiting(workshop)) == 300 and actions.turn_order(workshop) == []


def test_guessing_codes_is_stopped_for_that_address_only(workshop, settings):
    settings.GUESS_LIMIT = 5
    for i in range(5):
        assert api_join(f"NOPE{i:04d}", GUESSER).status_code == 404
    refused = api_join(workshop.join_code, GUESSER)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "codes or links that do not exist" in refused.json()["error"]
    # The page refuses a known and an unknown code alike.
    for code in (workshop.join_code, "NOPE9999"):
        page = Client().get(reverse("workshops:join_code", args=[code]), REMOTE_ADDR=GUESSER)
        assert page.status_code == 429 and "Too many attempts" in page.content.decode()
    assert api_join(workshop.join_code, VENUE).status_code == 201


def test_the_join_form_counts_wrong_codes_and_says_so(workshop, settings):
    settings.GUESS_LIMIT = 3
    client = Client()
    for _ in range(3):
        page = client.post(reverse("workshops:join"), {"code": "ZZZZ9999"}, REMOTE_ADDR=GUESSER)
        assert "There is no workshop with that code" in page.content.decode()
    page = client.post(reverse("workshops:join"), {"code": workshop.join_code}, REMOTE_ADDR=GUESSER)
    assert page.status_code == 429
    assert "codes or links that do not exist" in page.content.decode()


def test_a_participant_who_has_joined_is_never_refused_their_own_workshop(workshop, settings):
    settings.GUESS_LIMIT = 2
    client = Client()
    url = reverse("workshops:join_code", args=[workshop.join_code])
    client.post(url, {"consent": "on"}, REMOTE_ADDR=VENUE)
    for i in range(2):
        client.get(reverse("workshops:join_code", args=[f"NOPE{i:04d}"]), REMOTE_ADDR=VENUE)
    assert client.get(url, REMOTE_ADDR=VENUE)["Location"] == reverse(
        "workshops:participate", args=[workshop.join_code]
    )


def test_guessing_personal_join_links_counts_too(workshop, settings):
    settings.GUESS_LIMIT = 2
    for _ in range(2):
        assert api_join(workshop.join_code, GUESSER, invitation="a-guess").status_code == 404
    assert api_join(workshop.join_code, GUESSER).status_code == 429
