"""The dashboard's date filter, breakdowns by group, career progression section and exports,
and the rule that every figure on the page goes through one disclosure decision."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import CareerOutcome, Participant, Relationship, SpecialCategory
from allied.reports import measures
from tests.conftest import sign_in
from tests.reports.helpers import DAY, known_programme

pytestmark = pytest.mark.django_db


def _figure(content: str, key: str) -> str:
    marker = f'data-key="{key}">'
    start = content.index(marker) + len(marker)
    return content[start : content.index("<", start)]


def _mentees(cohort):
    return list(cohort.participants.filter(side="mentee").order_by("pk"))


def _ethnicity(people, code: str, *, consent: bool = True):
    for person in people:
        SpecialCategory.objects.create(
            participant=person, ethnic_group=code, monitoring_consent=consent
        )


def _outcome(person, kind, day):
    return CareerOutcome.objects.create(
        participant=person, kind=kind, happened_on=day, status=CareerOutcome.Status.CONFIRMED
    )


# The date filter -----------------------------------------------------------------------------


def test_a_period_counts_the_events_inside_it(world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    recent = measures.dashboard(
        b.programme, now=now, start=(now - 150 * DAY).date(), end=(now - DAY).date()
    )
    shown = recent.scopes[measures.ALL].shown
    # Everyone registered today, after the period (tests/reports/test_period.py has more).
    assert shown["recruitment.mentee.registered"] == "0"
    assert shown["matching.matched"] == "10"  # the active pairs began 100 days ago
    assert shown["retention.completed"] == "0"  # the others ended 180 days ago
    assert shown["engagement.meetings"] == "10"
    assert shown["acceptability.reviewed"] == "10"
    # All dates' figures are published beside the period's.
    assert recent.overall[measures.ALL].shown["matching.matched"] == "20"

    earlier = measures.dashboard(
        b.programme, now=now, start=(now - 400 * DAY).date(), end=(now - 190 * DAY).date()
    )
    shown = earlier.scopes[measures.ALL].shown
    assert shown["matching.matched"] == "10"  # the completed pairs began 320 days ago
    assert shown["retention.active"] == "10"  # and were still active 190 days ago
    assert shown["engagement.recent"] == "10"  # having met 200 days ago
    assert shown["engagement.meetings"] == "10"
    assert shown["acceptability.reviewed"] == "0"
    assert [label for label, _ in earlier.scopes[measures.ALL].months] == [
        (now - 200 * DAY).strftime("%B %Y")
    ]


def test_the_page_filters_by_dates_and_says_which(client, world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    sign_in(client, world["carol"])
    start, end = (now - 150 * DAY).date(), (now - DAY).date()
    response = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]),
        {"from": start.isoformat(), "to": end.isoformat()},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert _figure(content, "matching.matched") == "10"
    assert f"Figures for <strong>{start.day} {start:%B %Y} to" in content
    assert f"?from={start.isoformat()}&amp;to={end.isoformat()}" in content  # the downloads


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-02-30"}, "Enter the start date as a real date"),
        ({"to": "yesterday"}, "Enter the end date as a real date"),
        ({"from": "0001-01-01"}, "Enter the start date between 1 January 2000"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The end date must be the same as or after"),
    ],
)
def test_bad_dates_get_a_clear_message_and_all_dates_figures(client, world, query, message):
    b, _ = known_programme(world, timezone.now())
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:dashboard", args=[b.programme.pk]), query)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content and message in content
    assert _figure(content, "matching.matched") == "20"
    assert 'id="period"' not in content


def test_a_bad_date_in_a_download_is_refused_with_a_reason(client, world):
    b, _ = known_programme(world, timezone.now())
    sign_in(client, world["carol"])
    for name in ("reports:dashboard_csv", "reports:dashboard_xlsx"):
        response = client.get(reverse(name, args=[b.programme.pk]), {"to": "2026-13-01"})
        assert response.status_code == 400
        assert "Enter the end date as a real date" in response.content.decode()


# Breakdowns ---------------------------------------------------------------------------------


@pytest.mark.parametrize("chosen", ["nationality", "'; drop table", "ETHNICITY"])
def test_an_unknown_breakdown_gets_a_message_and_no_table(client, world, chosen):
    b, _ = known_programme(world, timezone.now())
    sign_in(client, world["carol"])
    response = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": chosen}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose a breakdown from the list" in content
    assert 'id="breakdown"' not in content


def test_a_profession_breakdown_shows_each_groups_figures_and_shares(client, world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    mentees = _mentees(cohort)  # 10 active, 10 completed, 8 unmatched
    Participant.objects.filter(pk__in=[m.pk for m in mentees[:20]]).update(
        profession="physiotherapist"
    )
    Participant.objects.filter(pk__in=[m.pk for m in mentees[20:]]).update(profession="dietitian")
    board = measures.dashboard(b.programme, now=now)
    table = board.breakdown(measures.ALL, "profession")
    assert [row.label for row in table.rows] == ["Dietitian", "Physiotherapist"]
    dietitians, physios = table.rows
    assert physios.figures[0] == ("20", "67%")  # 20 of 30 (rounded) mentees
    assert physios.figures[1] == ("20", "100%")  # all matched
    assert dietitians.figures[1] == ("0", "0%")  # none matched
    assert table.total.value("registered") == "30"

    sign_in(client, world["carol"])
    content = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": "profession"}
    ).content.decode()
    assert "Headline figures by profession" in content
    assert 'alt="Bar chart of the share of each profession group' in content
    assert "Physiotherapist, 100%" in content


def test_a_small_group_cannot_be_worked_out_from_the_total_and_the_others(world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    mentees = _mentees(cohort)
    Participant.objects.filter(pk__in=[m.pk for m in mentees[:25]]).update(band="band_5")
    Participant.objects.filter(pk__in=[m.pk for m in mentees[25:]]).update(band="band_6")
    board = measures.dashboard(b.programme, now=now)
    table = board.breakdown(measures.ALL, "band")
    five, six = table.rows
    assert six.value("registered") == "*"  # 3 people
    # 28 mentees less 25 in band 5 would reveal the 3: one of those must be hidden too.
    assert "*" in (five.value("registered"), table.total.value("registered"))


def test_a_group_in_a_cohort_and_a_period_cannot_be_subtracted_from_its_neighbours(world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    other = b.cohort("Cohort B")
    late = b.places(other, "mentee", 2, completed=now - 5 * DAY)
    Participant.objects.filter(pk__in=[p.pk for p in late]).update(profession="paramedic")
    board = measures.dashboard(b.programme, now=now, start=(now - 30 * DAY).date(), end=now.date())
    shown = board.scopes[measures.ALL].shown
    a = board.scopes[f"cohort-{cohort.pk}"].shown
    every_key = "by.total.registered"
    # The programme's 30 less cohort A's 28 would reveal cohort B's 2 paramedics.
    assert "*" in (shown[every_key], a[every_key])
    # Groups are published for the whole programme only, never within one cohort.
    assert "by.profession.paramedic.registered" not in board.scopes[f"cohort-{other.pk}"].shown


# Ethnic group and consent -------------------------------------------------------------------


def test_ethnic_group_counts_only_with_monitoring_consent_and_the_read_is_audited(client, world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    mentees = _mentees(cohort)
    _ethnicity(mentees[:10], "black_african")  # the active pairs
    _ethnicity(mentees[10:20], "black_caribbean", consent=False)  # the completed ones
    _ethnicity(mentees[20:], "white_british")  # the 8 unmatched
    sign_in(client, world["carol"])
    before = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count()
    response = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": "ethnicity"}
    )
    content = response.content.decode()
    assert 'counted as "Not stated"' in content
    board = measures.dashboard(b.programme, now=now)
    table = {row.code: row for row in board.breakdown(measures.ALL, "ethnicity").rows}
    assert list(table) == ["white", "black", "asian", "mixed", "other", "not_stated"]
    assert table["black"].value("registered") == "10"
    # Everyone who met recently is in one group, which would tell the coordinator (who knows
    # who met) that group about each of them: so no group's figure is shown.
    assert table["black"].value("met") == "*"
    assert table["white"].value("met") == "*"
    assert table["not_stated"].value("registered") == "10"  # no consent: not stated
    assert table["not_stated"].value("completed") == "*"  # everyone who completed: see "met"
    assert table["white"].value("registered") == "10"  # 8
    assert table["white"].value("matched") == "0"

    events = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).order_by("pk")
    assert events.count() == before + 2  # the page, then the direct call
    page_read = events[before]
    assert page_read.actor == world["carol"]
    assert page_read.subject == "equality monitoring"
    assert sorted(page_read.detail["participants"]) == sorted(
        m.pk for m in mentees[:10] + mentees[20:]
    )
    assert "black" not in str(page_read.detail) and "white" not in str(page_read.detail)


def test_no_name_appears_beside_an_ethnic_group(client, world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    _ethnicity(_mentees(cohort), "asian_indian")
    sign_in(client, world["carol"])
    content = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": "ethnicity"}
    ).content.decode()
    assert "Person 1" not in content and "person1@" not in content


# Career progression -------------------------------------------------------------------------


def test_career_outcomes_count_confirmed_ones_before_and_after_mentoring_began(world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    mentees = _mentees(cohort)  # the first 10 began 100 days ago
    for person in mentees[:10]:
        _outcome(person, CareerOutcome.Kind.PROMOTION, (now - 20 * DAY).date())
        _outcome(person, CareerOutcome.Kind.COURSE, (now - 200 * DAY).date())
    for person in mentees[20:]:  # not matched
        _outcome(person, CareerOutcome.Kind.PROMOTION, (now - 20 * DAY).date())
    pending = _outcome(mentees[10], CareerOutcome.Kind.NEW_ROLE, (now - DAY).date())
    CareerOutcome.objects.filter(pk=pending.pk).update(status=CareerOutcome.Status.PENDING)
    board = measures.dashboard(b.programme, now=now)
    shown = board.scopes[measures.ALL].shown
    assert shown["progression.any"] == "20"  # 18
    assert shown["progression.after"] == "10"
    assert shown["progression.before"] == "10"
    outcomes = {label: rest for label, *rest in board.outcomes(measures.ALL)}
    assert outcomes["Promotion"] == ["20", "0", "10"]
    assert outcomes["Course started"] == ["10", "10", "0"]
    assert outcomes["New role"] == ["0", "0", "0"]  # pending: not counted
    table = board.breakdown(measures.ALL, "ethnicity")
    assert table.total.value("progressed") == "20"

    recent = measures.dashboard(b.programme, now=now, start=(now - 30 * DAY).date())
    assert recent.scopes[measures.ALL].shown["progression.before"] == "0"
    assert recent.scopes[measures.ALL].shown["progression.any"] == "20"


# Exports ------------------------------------------------------------------------------------


def test_the_exports_hold_every_breakdown_and_the_periods_figures(client, world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    _ethnicity(_mentees(cohort)[:10], "black_african")
    sign_in(client, world["carol"])
    start = (now - 150 * DAY).date()
    response = client.get(
        reverse("reports:dashboard_csv", args=[b.programme.pk]), {"from": start.isoformat()}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    rows = rows[: rows.index([])]  # then the rule that says what "*" stands for
    label = f"From {start.day} {start:%B %Y}"
    assert rows[0] == [
        "Measure",
        f"Whole programme ({label})",
        f"Cohort A ({label})",
        "Whole programme (all dates)",
        "Cohort A (all dates)",
    ]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Matching: Mentees matched with a mentor"] == ["10", "10", "20", "20"]
    black = "By ethnic group: Black, Black British, Black Welsh, Caribbean or African: Matched"
    # Groups are published for the whole programme only: the cohort columns are empty. In the
    # period everyone matched is Black, so no group of that column is shown.
    assert by_label[black] == ["*", "", "10", ""]
    assert "By profession: Not stated: Registered" in by_label
    assert "By work setting: Not stated: Reviewed" in by_label
    assert "Career progression: Mentees with a confirmed outcome: Promotion" in by_label
    for row in rows[1:]:
        for value in row[1:]:
            assert (
                value in ("", "*")
                or value.endswith("%")
                or "." in value
                or (int(value) == 0 or (int(value) >= 8 and int(value) % 5 == 0))
            ), row

    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:dashboard_xlsx", args=[b.programme.pk]),
                {"from": start.isoformat()},
            ).content
        )
    ).active
    book_rows = [[cell.value or "" for cell in row] for row in book.iter_rows()]
    assert [row[: len(rows[0])] for row in book_rows[: len(rows)]] == [
        row + [""] * (len(rows[0]) - len(row)) if len(row) < len(rows[0]) else row for row in rows
    ]


def test_the_same_figures_whatever_the_cohort_or_breakdown_chosen(client, world):
    now = timezone.now()
    b, cohort = known_programme(world, now)
    other = b.cohort("Cohort B")
    b.places(other, "mentee", 3, completed=now - 5 * DAY)
    sign_in(client, world["carol"])
    url = reverse("reports:dashboard", args=[b.programme.pk])
    figures = set()
    for query in ({}, {"cohort": cohort.pk}, {"breakdown": "band"}, {"cohort": other.pk}):
        content = client.get(url, {**query}).content.decode()
        if "cohort" not in query:
            figures.add(_figure(content, "recruitment.mentee.registered"))
    assert len(figures) == 1  # the whole programme's figure does not change with the breakdown


def test_the_period_is_at_most_now_for_active_pairs(world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    future = measures.dashboard(
        b.programme, now=now, start=now.date(), end=(now + timedelta(days=400)).date()
    )
    assert future.scopes[measures.ALL].shown["retention.active"] == "10"


def test_a_short_period_never_says_which_group_the_few_people_in_it_are_in(world):
    """A coordinator who knows who was matched on one day learns nothing about their ethnic
    group: beside a hidden total, even the groups with nobody in them are hidden; and where
    everyone in the period is in one group, no group is shown."""
    now = timezone.now()
    b, cohort = known_programme(world, now)
    _ethnicity(_mentees(cohort)[:20], "black_african")
    # The day the ten active pairs began, as the report counts days: in local time (in late
    # August, 23:00 UTC is already the next day in London).
    day = timezone.localtime(now - 100 * DAY).date()
    board = measures.dashboard(b.programme, now=now, start=day, end=day)
    table = board.breakdown(measures.ALL, "ethnicity")
    assert table.total.value("matched") == "10"
    assert {row.value("matched") for row in table.rows} == {"*"}
    assert table.minoritised.value("matched") == "*"

    one = b.places(cohort, "mentee", 1, completed=now - 5 * DAY)[0]
    _ethnicity([one], "indian")
    b.pair(one, b.places(cohort, "mentor", 1)[0], Relationship.Status.ACTIVE, 3)
    day = (now - 3 * DAY).date()
    table = measures.dashboard(b.programme, now=now, start=day, end=day).breakdown(
        measures.ALL, "ethnicity"
    )
    assert table.total.value("matched") == "*"
    assert {row.value("matched") for row in table.rows} == {"*"}
