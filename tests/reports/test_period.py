"""A report of a past period counts only that period: events when they happened in it, states
as they stood at its end, numerator and denominator alike; a cohort still to come, and the
months before a cohort began, are absent rather than hidden (issue 19, item 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from allied.programmes.models import Participant, Relationship
from allied.reports import board, measures
from tests.reports.helpers import Builder

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
START, END = date(2025, 1, 1), date(2025, 6, 30)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _days_ago(day: date) -> int:
    return (NOW.date() - day).days


def _programme(world) -> Builder:
    """Spring 2025 (begins March 2025) with people who registered before, during and after
    the first half of 2025; Winter 2026 (intake opened November 2026) with 20 more."""
    b = Builder(world, NOW)
    spring = b.cohort("Spring 2025", date(2025, 3, 1))
    mentors = b.places(
        spring, "mentor", 40, joined=at(date(2025, 1, 10)), completed=at(date(2025, 1, 20))
    )
    # Registered in 2024 and matched in 2024: nothing of theirs happened in the period.
    earlier = b.places(
        spring, "mentee", 9, joined=at(date(2024, 11, 1)), completed=at(date(2024, 11, 20))
    )
    # Registered, completed the intake and matched in the period.
    matched = b.places(
        spring, "mentee", 10, joined=at(date(2025, 1, 15)), completed=at(date(2025, 2, 1))
    )
    # Registered and completed the intake in the period; matched only in August.
    waiting = b.places(
        spring, "mentee", 9, joined=at(date(2025, 2, 1)), completed=at(date(2025, 2, 10))
    )
    # Registered in the period; their intake was completed only in July.
    b.places(spring, "mentee", 8, joined=at(date(2025, 3, 1)), completed=at(date(2025, 7, 15)))
    # Registered, completed the intake and withdrew in the period.
    b.places(
        spring,
        "mentee",
        8,
        status=Participant.Status.WITHDRAWN,
        joined=at(date(2025, 1, 20)),
        completed=at(date(2025, 2, 1)),
        withdrawn=at(date(2025, 5, 1)),
    )
    pairs = iter(mentors)
    for mentee in earlier:
        b.pair(mentee, next(pairs), Relationship.Status.ACTIVE, _days_ago(date(2024, 12, 1)))
    for mentee in matched:
        b.pair(mentee, next(pairs), Relationship.Status.ACTIVE, _days_ago(date(2025, 3, 10)))
    for mentee in waiting:
        b.pair(mentee, next(pairs), Relationship.Status.ACTIVE, _days_ago(date(2025, 8, 1)))
    winter = b.cohort("Winter 2026", date(2026, 12, 1))
    b.places(winter, "mentee", 20, joined=at(date(2026, 11, 1)), completed=at(date(2026, 11, 10)))
    return b


def test_a_period_report_counts_what_happened_in_the_period_and_the_state_at_its_end(world):
    b = _programme(world)
    report = board.build(b.programme, start=START, end=END, now=NOW)

    # Registered in the period: 10 + 9 + 8 + 8, not the 9 of 2024 nor Winter 2026's 20.
    assert report.figure("recruitment.mentee.registered") == "35"
    # Completed the intake in the period: 10 + 9 + 8 (the July ones are not).
    assert report.figure("recruitment.mentee.ready") == "25"
    # Matched in the period: the 10 of March; waiting at its end: the 9 matched in August.
    assert report.figure("matching.matched") == "10"
    assert report.figure("matching.unmatched") == "10"
    assert report.figure("recruitment.mentor.registered") == "40"

    # The summary says what happened in the period, and no share of all-time intakes.
    assert (
        "About 35 mentees and about 40 mentors registered for the programme in this period."
        in report.summary
    )
    assert "About 10 mentees were matched with a mentor in this period." in report.summary
    assert (
        "At its end, about 10 mentees who had completed their intake were waiting for a mentor."
        in report.summary
    )
    assert not any("Of the mentees who completed their intake" in line for line in report.summary)

    # Every figure says which it counts.
    counted = {f.key: f.counted for g in report.groups for f in g.figures}
    assert counted["recruitment.mentee.registered"] == "From 1 January 2025 to 30 June 2025"
    assert counted["matching.unmatched"] == "On 30 June 2025"
    assert counted["retention.active"] == "On 30 June 2025"
    assert counted["engagement.meetings"] == "From 1 January 2025 to 30 June 2025"

    # A cohort that had not begun by the end is absent, not a column of "*".
    assert report.cohorts == ["Spring 2025"]
    assert ("Mentees registered", ["35"]) in report.cohort_rows


def test_the_same_programme_for_all_dates_counts_everyone_as_they_stand_now(world):
    b = _programme(world)
    report = board.build(b.programme, now=NOW)
    # 9 + 10 + 9 + 8 + 8 + 20 registered; "completed their intake" is the places still in.
    assert report.figure("recruitment.mentee.registered") == "65"
    assert report.figure("recruitment.mentee.ready") == "55"
    assert report.cohorts == ["Spring 2025", "Winter 2026"]
    counted = {f.key: f.counted for g in report.groups for f in g.figures}
    assert counted["recruitment.mentee.ready"] == "On 1 December 2026"
    assert counted["matching.matched"] == "From the start of the programme to 1 December 2026"


def test_the_dashboard_shows_a_cohort_still_to_come_as_not_applicable(world):
    b = _programme(world)
    winter = b.programme.cohorts.get(name="Winter 2026")
    shown = measures.dashboard(b.programme, now=NOW, start=START, end=END)
    figures = shown.scopes[f"cohort-{winter.pk}"]
    assert not figures.begun
    assert set(figures.shown.values()) == {measures.NOT_APPLICABLE}
    assert figures.months == []
    # All dates' figures for it are counted as usual.
    assert shown.overall[f"cohort-{winter.pk}"].shown["recruitment.mentee.registered"] == "20"


def test_the_dashboard_page_says_what_each_figure_counts_and_that_a_cohort_had_not_begun(
    client, world
):
    from django.urls import reverse

    from tests.conftest import sign_in

    b = _programme(world)
    winter = b.programme.cohorts.get(name="Winter 2026")
    sign_in(client, world["carol"])
    url = reverse("reports:dashboard", args=[b.programme.pk])
    content = client.get(url, {"from": "2025-01-01", "to": "2025-06-30"}).content.decode()
    assert "counted when they happened in these dates" in content
    assert "whatever the dates" not in content
    assert ">On 30 June 2025</td>" in content  # beside the mentees waiting for a mentor
    assert 'data-key="recruitment.mentee.registered">35<' in content

    chosen = client.get(url, {"from": "2025-01-01", "to": "2025-06-30", "cohort": winter.pk})
    content = chosen.content.decode()
    assert chosen.status_code == 200
    assert "Winter 2026 had not begun by 30 June 2025" in content
    assert 'data-key="recruitment.mentee.registered">–<' in content


def test_a_period_breakdown_gives_each_group_its_share_of_the_figure_not_of_registrations(world):
    b = _programme(world)
    shown = measures.dashboard(b.programme, now=NOW, start=START, end=END)
    table = shown.breakdown(measures.ALL, "profession")
    (not_stated,) = table.rows  # nobody gave a profession
    figures = dict(zip([m for m, _, _ in measures.HEADLINE], not_stated.figures, strict=True))
    # Matched in the period over matched in the period, not over those registered in it.
    assert figures["matched"] == ("10", "100%")
    assert figures["registered"] == ("35", "100%")
    everyone = measures.dashboard(b.programme, now=NOW)
    (not_stated,) = everyone.breakdown(measures.ALL, "profession").rows
    # Over all dates, of the group's own mentees: 30 of 65.
    assert not_stated.figures[1] == ("30", "46%")
