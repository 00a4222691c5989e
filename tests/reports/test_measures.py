"""The dashboard's figures against hand-worked expectations, and the disclosure rule on them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from allied.reports import measures
from tests.reports.helpers import DAY, Builder, known_programme

pytestmark = pytest.mark.django_db


def test_figures_match_a_hand_worked_programme(world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    board = measures.dashboard(b.programme, now=now)
    for scope in (measures.ALL, f"cohort-{cohort.pk}"):
        figures = board.scopes[scope]
        expected = {
            "recruitment.mentee.registered": "30",  # 28
            "recruitment.mentee.ready": "30",
            "recruitment.mentee.intake": "0",
            "recruitment.mentee.withdrawn": "0",
            "recruitment.mentor.registered": "10",
            "recruitment.mentor.ready": "10",
            "recruitment.mentor.intake": "0",
            "recruitment.mentor.withdrawn": "0",
            "matching.matched": "20",
            "matching.unmatched": "10",  # 8
            "engagement.meetings": "20",
            "engagement.recent": "10",
            "engagement.not_recent": "0",
            "retention.active": "10",
            "retention.completed": "10",
            "retention.no_fault": "0",
            "retention.withdrawn": "0",
            "retention.declined": "0",
            "acceptability.reviewed": "10",
            "acceptability.expectations.yes": "10",
            "acceptability.expectations.partly": "0",
            "acceptability.expectations.no": "0",
            **{
                f"month.{m}": "10"
                for m in sorted(
                    {(now - 7 * DAY).strftime("%Y-%m"), (now - 200 * DAY).strftime("%Y-%m")}
                )
            },
        }
        assert {key: figures.shown[key] for key in expected} == expected
        assert not [k for k in figures.shown if k.startswith("month.") and k not in expected]
        # 10 pairs x 3 whole 4-week intervals + 10 pairs x 5 = 80 expected; 20 / 80 held.
        assert figures.expected_meetings == "80"
        assert figures.meetings_percent == "25%"
        assert figures.median_days_to_match == "10"
        # The earlier reviews (satisfaction 1) are replaced by each person's latest.
        assert figures.ratings == [
            ("Satisfaction", "4.0"),
            ("Trust", "5.0"),
            ("Psychological safety", "3.0"),
        ]


def test_small_counts_and_averages_over_few_people_are_hidden(world):
    now = timezone.now()
    b = Builder(world, now)
    cohort = b.cohort("Small cohort")
    mentees = b.places(cohort, "mentee", 3, completed=now - 20 * DAY)
    mentors = b.places(cohort, "mentor", 3)
    for mentee, mentor in zip(mentees, mentors, strict=True):
        rel = b.pair(mentee, mentor, "active", 15)
        b.review(rel)
    figures = measures.dashboard(b.programme, now=now).scopes[measures.ALL]
    assert figures.shown["recruitment.mentee.registered"] == "*"
    assert figures.shown["retention.active"] == "*"
    assert figures.shown["acceptability.expectations.yes"] == "*"
    assert figures.median_days_to_match == "*"
    assert [value for _, value in figures.ratings] == ["*", "*", "*"]


def test_a_figure_that_could_be_recovered_by_subtraction_is_hidden(world):
    now = timezone.now()
    b, _ = known_programme(world, now, partly=2)
    shown = measures.dashboard(b.programme, now=now).scopes[measures.ALL].shown
    assert shown["acceptability.expectations.partly"] == "*"
    # 10 reviewed less 8 "yes" would give the 2 "partly" away: one of them must be hidden too.
    assert "*" in (shown["acceptability.reviewed"], shown["acceptability.expectations.yes"])


def test_a_cohort_cannot_be_subtracted_from_the_programme(world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    small = b.cohort("Cohort B")
    b.places(small, "mentee", 3, completed=now - 5 * DAY)
    board = measures.dashboard(b.programme, now=now)
    whole, a = board.scopes[measures.ALL].shown, board.scopes[f"cohort-{cohort.pk}"].shown
    assert board.scopes[f"cohort-{small.pk}"].shown["recruitment.mentee.registered"] == "*"
    # 31 in the programme less 28 in cohort A would reveal cohort B's 3.
    assert "*" in (whole["recruitment.mentee.registered"], a["recruitment.mentee.registered"])
    assert "*" in (whole["matching.unmatched"], a["matching.unmatched"])


def test_an_average_beside_a_hidden_count_is_hidden_with_it(world):
    """Cohort A's 10 reviews are hidden so that Cohort B's 3 cannot be worked out from the
    programme's 13. Cohort A's average ratings, over those 10, would say the hidden figure
    is 8 or more: so they are hidden too."""
    now = timezone.now()
    b, _ = known_programme(world, now)
    small = b.cohort("Cohort B")
    for mentee, mentor in zip(
        b.places(small, "mentee", 3, completed=now - 40 * DAY),
        b.places(small, "mentor", 3),
        strict=True,
    ):
        b.review(b.pair(mentee, mentor, "active", 30))
    board = measures.dashboard(b.programme, now=now)
    cohort_a = next(s for s in board.scopes.values() if s.label == "Cohort A")
    cohort_b = next(s for s in board.scopes.values() if s.label == "Cohort B")
    assert board.scopes[measures.ALL].shown["acceptability.reviewed"] == "15"
    assert cohort_b.shown["acceptability.reviewed"] == "*"
    assert cohort_a.shown["acceptability.reviewed"] == "*"
    assert [value for _, value in cohort_a.ratings] == ["*", "*", "*"]
    assert all(value != "*" for _, value in board.scopes[measures.ALL].ratings)
