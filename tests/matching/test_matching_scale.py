"""The matching page for a regional cohort (issue 18): 2,000 mentees and 1,000 mentors with two
places each, 1,990 proposed pairs and 10 unmatched. The page must stay small and its queries
few, whatever the cohort's size: pairs come a page at a time, and a swap chooses its mentor on
a page of its own, not from a list of every mentor on every card."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allied.accounts.models import User
from allied.matching import actions
from allied.programmes.models import Cohort, MatchRun, Participant, Programme, Proposal
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

MENTEES, MENTORS, UNMATCHED = 2000, 1000, 10
EXPLANATION = [
    "Score 12: 8 for the mentee and 4 for the mentor.",
    "The mentee wanted a mentor with the same profession (important): met, +3.",
    "The mentor wanted a mentee with the same profession (important): met, +3.",
    "The mentee wanted a mentor with the same ethnic group (nice to have): not met.",
    "Deep-level similarity: 0.42 (values and working style 0.50; interests 0.33).",
    "Needs fit 1.00; the mentor offers What I need: direction for career progression.",
]


@pytest.fixture
def regional(world):
    programme = Programme.objects.create(organisation=world["own"], name="Regional mentoring")
    programme.coordinators.add(world["carol"])
    cohort = Cohort.objects.create(
        programme=programme, name="2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"person{n}@region.example", full_name=f"Person {n:04d}", password=password)
        for n in range(MENTEES + MENTORS)
    )
    now = timezone.now()
    places = Participant.objects.bulk_create(
        Participant(
            cohort=cohort,
            user=user,
            side="mentee" if n < MENTEES else "mentor",
            status=Participant.Status.READY,
            intake_completed_at=now,
            capacity=2 if n >= MENTEES else 1,
            profession="nurse",
            band="band_6",
        )
        for n, user in enumerate(users)
    )
    mentees, mentors = places[:MENTEES], places[MENTEES:]
    run = MatchRun.objects.create(
        cohort=cohort,
        objective=actions.OBJECTIVE,
        unmatched=[
            {"participant": p.pk, "reason": "Not matched: every suitable mentor is full."}
            for p in mentees[MENTEES - UNMATCHED :]
        ],
    )
    Proposal.objects.bulk_create(
        Proposal(
            run=run, mentee=mentee, mentor=mentors[n // 2], score=12000, explanation=EXPLANATION
        )
        for n, mentee in enumerate(mentees[: MENTEES - UNMATCHED])
    )
    return {"cohort": cohort, "mentees": mentees, "mentors": mentors}


def test_the_matching_page_of_a_regional_cohort_is_small_and_needs_few_queries(
    client, world, regional
):
    sign_in(client, world["carol"])
    url = reverse("programmes:matching", args=[regional["cohort"].pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.content) < 2_000_000, len(page.content)
    assert len(queries) < 40, len(queries)
    # The summary says what the whole draft holds; the pairs come a page at a time.
    assert "1,990 pairs proposed" in html and "10 mentees unmatched" in html
    assert "Person 0000 with Person 2000" in html
    assert "Person 1989 with" not in html
    last = client.get(url, {"pairs": "80"}).content.decode()
    assert "Person 1989 with Person 2994" in last
    # A name finds its pair on any page.
    found = client.get(url, {"q": "Person 1500"}).content.decode()
    assert "Person 1500 with Person 2750" in found


def test_a_swap_chooses_the_mentor_on_a_page_of_its_own(client, world, regional):
    sign_in(client, world["carol"])
    cohort = regional["cohort"]
    mentee = regional["mentees"][-1]  # unmatched
    url = reverse("programmes:matching_choose", args=[cohort.pk, mentee.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"q": "Person 2999"})
    assert len(queries) < 30, len(queries)
    html = page.content.decode()
    assert "Choose a mentor for Person 1999" in html
    assert "Person 2999" in html and "Person 2998" not in html
    assert len(page.content) < 300_000
    draft = actions.draft_run(cohort)
    response = client.post(
        reverse("programmes:matching_assign", args=[cohort.pk]),
        {
            "run": draft.pk,
            "version": actions.run_version(draft),
            "mentee": mentee.pk,
            "mentor": regional["mentors"][-1].pk,
        },
    )
    assert response.status_code == 302
    assert draft.proposals.get(mentee=mentee).mentor_id == regional["mentors"][-1].pk


def test_a_lock_through_the_api_answers_with_a_few_lines_not_the_draft(client, world, regional):
    from allied.accounts.models import ApiToken

    _, secret = ApiToken.issue(user=world["carol"], name="t", verified=True)
    cohort = regional["cohort"]
    draft = actions.draft_run(cohort)
    proposal = draft.proposals.order_by("pk").first()
    response = client.post(
        reverse("programmes:api_matching_lock", args=[cohort.pk]),
        {
            "run": draft.pk,
            "version": actions.run_version(draft),
            "proposal": str(proposal.pk),
            "locked": "yes",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200, response.content[:500]
    assert len(response.content) < 5_000, len(response.content)
    assert [p["id"] for p in response.json()["pairs"]] == [proposal.pk]


def test_the_pairs_can_be_filtered_and_put_in_order_and_paging_keeps_both(client, world, regional):
    sign_in(client, world["carol"])
    cohort = regional["cohort"]
    draft = actions.draft_run(cohort)
    weakest = draft.proposals.get(mentee=regional["mentees"][1500])
    Proposal.objects.filter(pk=weakest.pk).update(score=1000)
    locked = list(draft.proposals.order_by("pk").values_list("pk", flat=True)[:30])
    Proposal.objects.filter(pk__in=locked).update(locked=True)
    url = reverse("programmes:matching", args=[cohort.pk])

    by_score = client.get(url, {"sort": "score"}).content.decode()
    assert by_score.index("Person 1500 with") < by_score.index("Person 0000 with")

    shown = client.get(url, {"show": "locked", "sort": "mentor", "free": "1"})
    html = shown.content.decode()
    assert "30 pairs (locked)." in html
    assert "Person 0000 with" in html and "Person 0030 with" not in html
    # The next page of the locked pairs keeps the filter, the order and the other list's page.
    (link,) = shown.context["pairs"].next_link.split("?")[1:]
    assert sorted(link.split("&")) == ["free=1", "pairs=2", "show=locked", "sort=mentor"]
    assert "Person 0025 with" in client.get(url + "?" + link).content.decode()

    # Anything else asked for is the default: every pair, by the mentee's name.
    odd = client.get(url, {"sort": "pk; DROP", "show": "\x00"})
    assert odd.status_code == 200
    assert odd.context["order"] == "mentee" and odd.context["show"] == "all"
