"""Bias control: each participant's ballot lists the ideas in an order shuffled for them (on
by default), the same at every reload and new in a re-vote; the methods paragraph of every
output says which was used."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from allied.workshops.models import Participant, Workshop
from allied.workshops.results import ballot_order
from tests.workshops.conftest import join
from tests.workshops.test_api import call, joined
from tests.workshops.test_no_results_before_close import to_voting, vote
from tests.workshops.test_running_a_question import act

pytestmark = pytest.mark.django_db


def listed(browser, workshop) -> list[str]:
    """The idea numbers in the order the participant's ballot lists them."""
    page = browser.get(reverse("workshops:participate", args=[workshop.join_code])).content
    return re.findall(r'<label class="nhsuk-label[^"]*" for="vote-\d+">\s*(\d+)\.', page.decode())


@pytest.fixture
def voting(facilitator, workshop):
    token = joined(workshop)
    browsers = [join(workshop) for _ in range(4)]
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    ideas = to_voting(facilitator, workshop, [token, *browsers])
    workshop.refresh_from_db()
    return workshop, token, browsers, ideas


def test_each_participant_sees_every_idea_once_in_an_order_of_their_own(voting):
    workshop, _, browsers, _ = voting
    orders = [listed(b, workshop) for b in browsers]
    assert all(sorted(order) == ["1", "2", "3", "4"] for order in orders)
    # Four people, 24 possible orders: shuffled, they do not all see one order.
    assert len({tuple(order) for order in orders}) > 1
    # The same order at every reload.
    assert [listed(b, workshop) for b in browsers] == orders


def test_the_order_is_new_in_a_re_vote_and_a_ballot_counts_the_ideas_it_names(facilitator, voting):
    workshop, _, browsers, ideas = voting
    question = workshop.current_question
    people = list(Participant.objects.filter(workshop=workshop).order_by("number"))
    first = [[i.number for i in ballot_order(question, p)] for p in people]
    vote(browsers[0], workshop, ideas, [3, 1])
    for _ in range(2):
        assert act(facilitator, workshop, "phase_next").json()["ok"]
    results = call(
        "get",
        reverse("workshops:participate_state", args=[workshop.join_code]),
        client=browsers[0],
    ).json()["question"]["results"]
    assert [(r["idea"], r["total"]) for r in results["ideas"][:2]] == [
        ("3. Talking about racism", 3.0),
        ("1. Trust", 2.0),
    ]
    assert act(facilitator, workshop, "revote").json()["ok"]
    question.refresh_from_db()
    again = [[i.number for i in ballot_order(question, p)] for p in people]
    assert again != first


def test_the_api_gives_a_participant_their_order_while_voting(voting):
    workshop, token, _, _ = voting
    url = reverse("workshops:api_participant_state", args=[workshop.join_code])
    me = call("get", url, participant=token).json()["me"]
    participant = Participant.objects.get(workshop=workshop, number=1)
    assert me["ballot_order"] == [
        i.pk for i in ballot_order(workshop.current_question, participant)
    ]


def test_without_shuffling_every_ballot_is_in_number_order_and_the_methods_say_so(
    facilitator, workshop
):
    details = reverse("workshops:edit", args=[workshop.pk])
    form = facilitator.get(details).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("shuffle_ballots")
    assert facilitator.post(details, data).status_code == 302
    assert Workshop.objects.get(pk=workshop.pk).shuffle_ballots is False
    token = joined(workshop)
    browsers = [join(workshop) for _ in range(4)]
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    ideas = to_voting(facilitator, workshop, [token, *browsers])
    assert [listed(b, workshop) for b in browsers] == [["1", "2", "3", "4"]] * 4

    vote(browsers[0], workshop, ideas, [2, 1])
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    page = facilitator.get(reverse("workshops:results", args=[workshop.pk])).content.decode()
    assert "listed the ideas in the order they were shared" in page


def test_the_methods_of_every_output_say_the_ballots_were_shuffled(facilitator, voting):
    workshop, _, browsers, ideas = voting
    vote(browsers[0], workshop, ideas, [2, 1])
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    said = "ballot listed the ideas in an order shuffled for that participant"
    page = facilitator.get(reverse("workshops:results", args=[workshop.pk])).content.decode()
    assert said in page
    for fmt in ("md", "json"):
        export = facilitator.get(reverse("workshops:export", args=[workshop.pk, fmt]))
        assert said in export.content.decode()
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(
        BytesIO(facilitator.get(reverse("workshops:export", args=[workshop.pk, "xlsx"])).content)
    )
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(said in str(c) for c in cells)


def test_once_voting_has_begun_the_ballot_order_cannot_change(facilitator, voting):
    workshop, *_ = voting
    details = reverse("workshops:edit", args=[workshop.pk])
    form = facilitator.get(details).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("shuffle_ballots")
    page = facilitator.post(details, data)
    assert page.status_code == 200
    assert "the order of the ideas on the ballots can no longer change" in page.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).shuffle_ballots is True


def test_the_methods_say_how_paper_ballots_listed_the_ideas(facilitator, voting):
    workshop, _, _, ideas = voting
    person = Participant.objects.get(workshop=workshop, number=2)
    fields = {f"idea-{ideas[1].pk}": "1", "participant": person.pk}
    assert act(facilitator, workshop, "paper_ballot", **fields).json()["ok"]
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    page = facilitator.get(reverse("workshops:results", args=[workshop.pk])).content.decode()
    assert "Paper ballots, entered by the facilitator, listed them in the order shared." in page
