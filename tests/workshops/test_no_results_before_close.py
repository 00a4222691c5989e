"""Nobody, the facilitator included, learns anything about an open vote but how many have
voted. Tested by difference: while a round is open, two voters change their ballots to
rank the ideas the other way round; every page, state endpoint, export, API answer, audit
page and email any staff member or participant can fetch must read exactly the same before
and after (once CSRF tokens and live version numbers are set aside). Anything that counted
the open round would differ.

Run for a first vote, and for a re-vote whose earlier round's results are rightly shown.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from allied.workshops.actions import phase_key
from allied.workshops.models import Idea
from tests.conftest import sign_in
from tests.workshops.conftest import join
from tests.workshops.test_api import call, joined, token_for
from tests.workshops.test_running_a_question import act, p_act

pytestmark = pytest.mark.django_db

IDEAS = ["Trust", "Sponsorship", "Talking about racism", "Regular meetings"]


def vote(browser, workshop, ideas, order):
    """Ranks the ideas numbered in `order` first, second, third."""
    fields = {f"idea-{ideas[n].pk}": str(rank) for rank, n in enumerate(order, start=1)}
    response = p_act(browser, workshop, "vote", **fields)
    assert response.status_code == 200, response.content


VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "csrf"),
    (re.compile(r'"?csrf[_-]?token"?[:=]\s*"[^"]+"', re.I), "csrf"),
    (re.compile(r'nonce="[^"]+"'), "nonce"),
    (re.compile(r'(data-(?:live-)?version="|"version":\s*)\d+'), r"\1N"),
    (re.compile(r'(name="phase_key" value=")[^"]*"'), r'\1K"'),
    (re.compile(r'("phase_key":\s*")[^"]*"'), r'\1K"'),
    (re.compile(r"(version=)\d+"), r"\1N"),
    (re.compile(r'(name="client_id" value=")[^"]+"'), r'\1ID"'),
]


def readable(response) -> str:
    """The response as text, with what changes on every fetch set aside."""
    assert response.status_code < 500, response.status_code
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        text = repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book])
    else:
        text = f"{response.status_code} " + response.content.decode()
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def everything_anyone_can_read(workshop, staff, admin, token, people, participant_token):
    question = workshop.current_question
    pk = workshop.pk
    pages = {
        name: staff.get(url)
        for name, url in {
            "detail": reverse("workshops:detail", args=[pk]),
            "console": reverse("workshops:run", args=[pk]),
            "console fragment": reverse("workshops:run_fragment", args=[pk]),
            "console state": reverse("workshops:state", args=[pk]),
            "results page": reverse("workshops:results", args=[pk]),
            "pooled page": reverse("workshops:pooled", args=[pk]),
            "model builder": reverse("consensus:new", args=[pk]),
            "ballots.csv": reverse("workshops:question_ballots", args=[pk, question.pk]),
            **{
                f"export.{fmt}": reverse("workshops:export", args=[pk, fmt])
                for fmt in ("csv", "json", "xlsx", "md")
            },
        }.items()
    }
    pages["audit page"] = admin.get(reverse("audit:log", args=[workshop.organisation.slug]))
    for name in ("detail", "state", "results"):
        pages[f"API {name}"] = call("get", reverse(f"workshops:api_{name}", args=[pk]), token=token)
    code = workshop.join_code
    for who, browser in people.items():
        for name in ("participate", "participate_fragment", "participate_state"):
            pages[f"{who}: {name}"] = browser.get(reverse(f"workshops:{name}", args=[code]))
    pages["API participant state"] = call(
        "get",
        reverse("workshops:api_participant_state", args=[code]),
        participant=participant_token,
    )
    pages["emails"] = None
    read = {name: readable(r) for name, r in pages.items() if r is not None}
    read["emails"] = repr([(m.subject, m.body, m.to) for m in mail.outbox])
    return read


@pytest.mark.parametrize("vote_round", [1, 2])
def test_changing_ballots_in_an_open_round_changes_nothing_anyone_can_read(
    facilitator, workshop, fay, alice, vote_round
):
    participant_token = joined(workshop)  # P1, through the API
    p2, p3, p4, p5 = [join(workshop) for _ in range(4)]
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    ideas = to_voting(facilitator, workshop, [participant_token, p2, p3, p4, p5])
    if vote_round == 2:
        vote(p2, workshop, ideas, [1, 2, 3])
        vote(p3, workshop, ideas, [3, 4, 1])
        for _ in range(2):
            assert act(facilitator, workshop, "phase_next").json()["ok"]
        assert act(facilitator, workshop, "revote").json()["ok"]
    token = token_for(fay)
    admin = sign_in(Client(), alice)
    people = {"P2, who voted": p2, "P5, who did not": p5}

    vote(p2, workshop, ideas, [2, 1, 4])
    vote(p3, workshop, ideas, [1, 2, 3])
    vote(p4, workshop, ideas, [1, 3, 2])
    before = everything_anyone_can_read(
        workshop, facilitator, admin, token, people, participant_token
    )
    vote(p3, workshop, ideas, [4, 3, 2])
    vote(p4, workshop, ideas, [4, 2, 3])
    after = everything_anyone_can_read(
        workshop, facilitator, admin, token, people, participant_token
    )

    changed = [name for name in before if before[name] != after[name]]
    assert changed == [], {name: diff(before[name], after[name]) for name in changed}

    # And the close shows the new ballots at once, on the same paths.
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    closed = everything_anyone_can_read(
        workshop, facilitator, admin, token, people, participant_token
    )
    assert closed["results page"] != after["results page"]
    assert closed["API results"] != after["API results"]
    assert "4. Regular meetings" in closed["export.csv"]
    assert "is open" in after["results page"] and "is open" not in closed["results page"]


def to_voting(facilitator, workshop, everyone):
    """Takes the current question from the introduction to voting: the first four in turn
    share an idea each, then everyone passes."""
    for _ in range(2):
        assert act(facilitator, workshop, "phase_next").json()["ok"]
    turns = [(who, "share", text) for who, text in zip(everyone, IDEAS, strict=False)]
    turns += [(who, "pass", None) for who in everyone[len(IDEAS) :] + everyone[: len(IDEAS)]]
    for who, action, text in turns:
        fields = {"text": text} if text else {}
        if isinstance(who, str):  # a participant token: through the API
            workshop.refresh_from_db()
            body = {"action": action, "phase_key": phase_key(workshop.current_question), **fields}
            url = reverse("workshops:api_participant_act", args=[workshop.join_code])
            response = call("post", url, body, participant=who)
        else:
            response = p_act(who, workshop, action, **fields)
        assert response.status_code == 200, response.content
    for _ in range(2):
        assert act(facilitator, workshop, "phase_next").json()["ok"]
    return {i.number: i for i in Idea.objects.filter(question=workshop.current_question)}


def diff(a: str, b: str) -> str:
    """The first place two readings part, with a little context."""
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"...{a[max(0, at - 80) : at + 80]!r} became ...{b[max(0, at - 80) : at + 80]!r}"


def test_votes_set_aside_in_the_open_round_wait_for_its_close_too(facilitator, workshop):
    """Back from voting, then voting again in the same round: the votes set aside are that
    round's, and the JSON download keeps them out until it closes, as it does its ballots."""
    p1, p2 = join(workshop), join(workshop)
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    ideas = to_voting(facilitator, workshop, [p1, p2])
    vote(p1, workshop, ideas, [2, 1])
    assert act(facilitator, workshop, "phase_back", confirm="yes").json()["ok"]
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    export = reverse("workshops:export", args=[workshop.pk, "json"])
    results = reverse("workshops:results", args=[workshop.pk])
    assert facilitator.get(export).json()["questions"][0]["set_aside_ballots"] == []
    assert "is open" in facilitator.get(results).content.decode()
    vote(p2, workshop, ideas, [1, 2])
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    [set_aside] = facilitator.get(export).json()["questions"][0]["set_aside_ballots"]
    assert set_aside["participant"] == "P1" and set_aside["round"] == 1
    # The next question's introduction is not a vote: the page does not say one is open.
    assert act(facilitator, workshop, "phase_next").json()["ok"]  # the final discussion
    assert act(facilitator, workshop, "next_question").json()["ok"]
    assert "is open" not in facilitator.get(results).content.decode()


def test_the_room_shows_where_to_join_only_while_joining_lets_people_straight_in(
    facilitator, workshop
):
    join(workshop)
    room = reverse("workshops:present", args=[workshop.pk])
    code = workshop.join_code
    assert code in facilitator.get(room).content.decode()  # not started yet
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    assert code in facilitator.get(room).content.decode()  # the first introduction
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    assert code not in facilitator.get(room).content.decode()  # silent generation has begun
    assert act(facilitator, workshop, "phase_back").json()["ok"]
    assert code not in facilitator.get(room).content.decode()  # joiners wait from now on
