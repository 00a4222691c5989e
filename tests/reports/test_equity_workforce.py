"""The workforce figures page, and the dashboard's comparison with the workforce (WRES-style)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import SpecialCategory
from allied.reports import measures
from allied.reports.models import WorkforceFigure
from tests.conftest import sign_in
from tests.reports.helpers import DAY, Builder

pytestmark = pytest.mark.django_db


def _figures(as_of="2026-03-31", band="", **counts):
    data = {"as_of": as_of, "band": band}
    for code in ("white", "black", "asian", "mixed", "other", "not_stated"):
        data[f"group_{code}"] = counts.get(code, 0)
    return data


def test_a_coordinator_enters_figures_and_entering_them_again_replaces_them(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    url = reverse("reports:workforce", args=[programme.pk])
    response = client.post(url, _figures(white=800, black=120, asian=80))
    assert response.status_code == 302
    assert client.post(url, _figures(white=810, black=120, asian=80)).status_code == 302
    saved = dict(programme.workforce_figures.values_list("group", "headcount"))
    assert saved == {
        "white": 810,
        "black": 120,
        "asian": 80,
        "mixed": 0,
        "other": 0,
        "not_stated": 0,
    }
    assert set(programme.workforce_figures.values_list("entered_by", flat=True)) == {
        world["carol"].pk
    }
    events = AuditEvent.objects.filter(kind=Kind.WORKFORCE_FIGURES_CHANGED)
    assert events.count() == 2
    assert events.first().detail["as_of"] == "2026-03-31"
    page = client.get(url).content.decode()
    assert "31 March 2026: All bands" in page and "810" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"as_of": ""}, "Enter the date the figures are for"),
        ({"as_of": "31/31/2026"}, "as a real date"),
        ({"as_of": "1900-01-01"}, "between 1 January 2000"),
        ({"band": "band_99"}, "Choose a band from the list"),
        ({"group_white": "-4"}, "The headcount for White must be 0 or more"),
        ({"group_white": "lots"}, "Enter the headcount for White as a whole number"),
        ({"group_black": ""}, "(0 if there is nobody)"),
        ({"group_white": "100000000"}, "must be 100,000 or less"),
        ({"group_white": "0"}, "Enter at least one headcount above 0"),
    ],
)
def test_bad_figures_are_refused_with_a_reason_and_nothing_is_saved(client, world, change, message):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    response = client.post(
        reverse("reports:workforce", args=[programme.pk]), {**_figures(white=5), **change}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and message in content
    assert not WorkforceFigure.objects.exists()
    assert not AuditEvent.objects.filter(kind=Kind.WORKFORCE_FIGURES_CHANGED).exists()


def test_figures_are_removed_once_and_a_second_removal_changes_nothing(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    client.post(reverse("reports:workforce", args=[programme.pk]), _figures(white=40))
    remove = reverse("reports:workforce_remove", args=[programme.pk])
    for _ in range(2):
        assert client.post(remove, {"as_of": "2026-03-31", "band": ""}).status_code == 302
    assert not programme.workforce_figures.exists()
    assert AuditEvent.objects.filter(kind=Kind.WORKFORCE_FIGURES_CHANGED).count() == 2
    response = client.post(remove, {"as_of": "junk"}, follow=True)
    assert "nothing was removed" in response.content.decode()


def _programme_with_groups(world, now):
    """20 white mentees (10 matched) and 20 Black mentees (20 matched), all consenting."""
    b = Builder(world, now)
    cohort = b.cohort("Cohort A")
    white = b.places(cohort, "mentee", 20, completed=now - 60 * DAY)
    black = b.places(cohort, "mentee", 20, completed=now - 60 * DAY)
    mentors = b.places(cohort, "mentor", 30)
    for person, code in [(p, "white_irish") for p in white] + [(p, "black_african") for p in black]:
        SpecialCategory.objects.create(
            participant=person, ethnic_group=code, monitoring_consent=True
        )
    for mentee, mentor in zip(white[:10] + black, mentors, strict=True):
        b.pair(mentee, mentor, "active", 30)
    return b


def test_the_ethnicity_breakdown_sits_beside_the_workforce_with_a_relative_likelihood(
    client, world
):
    now = timezone.now()
    b = _programme_with_groups(world, now)
    WorkforceFigure.objects.bulk_create(
        WorkforceFigure(programme=b.programme, group=g, headcount=n, as_of=date(2026, 3, 31))
        for g, n in {"white": 800, "black": 200, "asian": 0, "mixed": 0, "other": 0}.items()
    )
    board = measures.dashboard(b.programme, now=now)
    comparison = board.comparison(measures.ALL)
    rows = {row.code: row for row in comparison.rows}
    assert rows["white"].workforce_share == "80%"
    assert rows["white"].mentee_share == "50%"
    assert rows["black"].matched_share == "67%"  # 20 of 30
    # (20 / 200) / (20 / 800) = 4; (20 / 20) / (10 / 20) = 2.
    assert comparison.lines[0] == (
        "Black and minoritised staff are 4.0 times as likely as white staff to be in the programme."
    )
    assert comparison.lines[1] == (
        "Black and minoritised mentees are 2.0 times as likely as white mentees to be matched "
        "with a mentor."
    )
    assert comparison.lines[2] == (  # nobody has progressed
        "How likely Black and minoritised mentees are, compared with white mentees, to have a "
        "confirmed career outcome cannot be shown: one of the figures it is worked out from is 0."
    )

    sign_in(client, world["carol"])
    content = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": "ethnicity"}
    ).content.decode()
    assert "Share of the workforce and of mentees, by ethnic group" in content
    assert "4.0 times as likely as white staff" in content


def test_the_latest_figures_are_used_and_bands_add_up_when_no_total_was_entered(world):
    programme = world["programme_own"]
    for as_of, band, white in [
        (date(2025, 3, 31), "", 999),
        (date(2026, 3, 31), "band_5", 300),
        (date(2026, 3, 31), "band_6", 200),
    ]:
        WorkforceFigure.objects.create(
            programme=programme, group="white", band=band, headcount=white, as_of=as_of
        )
    as_of, counts = measures.workforce_figures(programme)
    assert as_of == date(2026, 3, 31)
    assert counts["white"] == 500


def test_small_workforce_groups_are_hidden_with_a_neighbour(world):
    shown = measures.disclose_workforce(
        {"white": 500, "black": 3, "asian": 40, "mixed": 0, "other": 0, "not_stated": 20}
    )
    assert shown["black"] == "*"
    assert shown["mixed"] == "0"
    # 563 less 500 less 20 would reveal 43 Black and Asian staff, and less 40 Asian, the 3.
    assert "*" in (shown["asian"], shown["minoritised"])


def test_without_workforce_figures_the_page_says_how_to_enter_them(client, world):
    b = _programme_with_groups(world, timezone.now())
    sign_in(client, world["carol"])
    content = client.get(
        reverse("reports:dashboard", args=[b.programme.pk]), {"breakdown": "ethnicity"}
    ).content.decode()
    assert "Enter the organisation&#x27;s workforce figures" in content or (
        "Enter the organisation's workforce figures" in content
    )
    assert reverse("reports:workforce", args=[b.programme.pk]) in content
