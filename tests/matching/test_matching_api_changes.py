"""A lock, removal or swap through the API answers with what changed and the draft's new
version, not the whole draft (issue 18: 2.4 MB a click at 2,000 mentees)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from allied.accounts.models import ApiToken
from allied.matching import actions
from tests.programmes.world_matching import small_cohort

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, headers, cohort):
        self.client, self.headers, self.cohort = client, headers, cohort

    def post(self, name: str, body: dict | None = None):
        url = reverse(f"programmes:api_matching_{name}", args=[self.cohort.pk])
        return self.client.post(url, body or {}, content_type="application/json", **self.headers)

    def draft(self) -> dict:
        url = reverse("programmes:api_matching", args=[self.cohort.pk])
        return self.client.get(url, **self.headers).json()


@pytest.fixture
def api(client, world, make_person):
    _, secret = ApiToken.issue(user=world["carol"], name="t", verified=True)
    small = small_cohort(world, make_person, capacity=2)
    return Api(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, small["cohort"])


def state(answer: dict) -> dict:
    return {"run": answer["run"], "version": answer["version"]}


def test_each_change_answers_with_what_it_changed_and_a_version_for_the_next(api):
    drafted = api.post("run").json()
    assert len(drafted["pairs"]) == 3 and drafted["unmatched"] == []
    # Three mentees, two mentors with two places: one mentor has two, the other one.
    load = Counter(p["mentor"]["id"] for p in drafted["pairs"])
    (full,) = [m for m, n in load.items() if n == 2]
    (other,) = [m for m, n in load.items() if n == 1]
    first, second = [p for p in drafted["pairs"] if p["mentor"]["id"] == full]
    (third,) = [p for p in drafted["pairs"] if p["mentor"]["id"] == other]

    # Lock one pair: that pair alone comes back, locked.
    body = {**state(drafted), "proposal": str(first["id"]), "locked": "yes"}
    locked = api.post("lock", body).json()
    assert [(p["id"], p["locked"]) for p in locked["pairs"]] == [(first["id"], True)]
    assert locked["removed_pairs"] == [] and locked["unmatched"] == []
    assert locked["no_longer_unmatched"] == []
    assert locked["version"] == actions.run_version(actions.draft_run(api.cohort))
    assert locked["version"] != drafted["version"]

    # Remove another: its id goes, and its mentee is unmatched, with the reason.
    removed = api.post("remove", {**state(locked), "proposal": str(second["id"])}).json()
    assert removed["pairs"] == [] and removed["removed_pairs"] == [second["id"]]
    (left,) = removed["unmatched"]
    assert left["mentee"] == second["mentee"] and left["reason"]

    # Give that mentee the mentor with a free place: one new, locked pair, and the mentee is
    # no longer unmatched. Nothing about the pairs nobody touched.
    body = {**state(removed), "mentee": second["mentee"]["id"], "mentor": other}
    swapped = api.post("swap", body).json()
    (pair,) = swapped["pairs"]
    assert (pair["mentee"], pair["mentor"]["id"], pair["locked"]) == (
        second["mentee"],
        other,
        True,
    )
    assert pair["explanation"] and pair["mentor"]["name"]
    assert swapped["no_longer_unmatched"] == [second["mentee"]["id"]]
    assert swapped["removed_pairs"] == [] and swapped["unmatched"] == []

    # The changes add up to the whole draft as GET .../matching/ gives it.
    whole = api.draft()
    assert whole["version"] == swapped["version"]
    assert {p["id"] for p in whole["pairs"]} == {first["id"], third["id"], pair["id"]}
    assert whole["unmatched"] == []


def test_moving_a_paired_mentee_answers_with_the_pair_as_it_is_now(api):
    drafted = api.post("run").json()
    load = Counter(p["mentor"]["id"] for p in drafted["pairs"])
    (other,) = [m for m, n in load.items() if n == 1]
    moving = next(p for p in drafted["pairs"] if p["mentor"]["id"] != other)
    body = {**state(drafted), "mentee": moving["mentee"]["id"], "mentor": other}
    swapped = api.post("swap", body).json()
    # The pair keeps its id with its new mentor (or, were it replaced, the old id is in
    # removed_pairs): either way the client can bring its copy up to date.
    (pair,) = swapped["pairs"]
    assert (pair["mentee"], pair["mentor"]["id"]) == (moving["mentee"], other)
    assert swapped["removed_pairs"] == ([] if pair["id"] == moving["id"] else [moving["id"]])
    assert swapped["unmatched"] == [] and swapped["no_longer_unmatched"] == []


def test_a_refused_change_changes_nothing_and_says_why(api):
    drafted = api.post("run").json()
    stale = {**state(drafted), "version": "0" * 16, "proposal": str(drafted["pairs"][0]["id"])}
    refused = api.post("remove", stale)
    assert refused.status_code == 409 and refused.json()["error"]
    assert api.draft()["version"] == drafted["version"]
