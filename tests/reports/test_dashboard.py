"""The dashboard page, its cohort filter and its exports (who may open them is in the
access matrix, tests/programmes/matrix_reports.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allied.core.disclosure import RULE_LINES
from tests.conftest import sign_in
from tests.reports.helpers import DAY, known_programme

pytestmark = pytest.mark.django_db


def _figure(content: str, key: str) -> str:
    marker = f'data-key="{key}">'
    start = content.index(marker) + len(marker)
    return content[start : content.index("<", start)]


def test_the_page_shows_the_figures_the_rule_and_a_chart(client, world):
    now = timezone.now()
    b, _ = known_programme(world, now, partly=2)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:dashboard", args=[b.programme.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert _figure(content, "matching.matched") == "20"
    assert _figure(content, "acceptability.expectations.partly") == "*"
    assert all(line in content for line in RULE_LINES)
    assert 'src="data:image/png;base64,' in content
    assert "Bar chart of meetings held by month" in content
    assert (now - 7 * DAY).strftime("%B %Y") in content


def _with_cohort_b(client, world):
    """The known programme with a second cohort of 10 mentees, for its coordinator: returns
    the cohort and the dashboard's address."""
    now = timezone.now()
    b, _ = known_programme(world, now)
    small = b.cohort("Cohort B")
    b.places(small, "mentee", 10, completed=now - 5 * DAY)
    sign_in(client, world["carol"])
    return small, reverse("reports:dashboard", args=[b.programme.pk])


def test_the_cohort_filter_shows_that_cohort_beside_the_programme(client, world):
    small, url = _with_cohort_b(client, world)
    whole = client.get(url).content.decode()
    assert _figure(whole, "matching.unmatched") == "20"  # 8 + 10
    filtered = client.get(url, {"cohort": small.pk}).content.decode()
    assert "Dashboard: Cohort B" in filtered
    assert _figure(filtered, "matching.unmatched") == "10"
    assert _figure(filtered, "matching.matched") == "0"
    assert "Whole programme</th>" in filtered


@pytest.mark.parametrize("chosen", ["999999", "abc", "-1", "other"])
def test_an_unknown_cohort_is_not_found(client, world, chosen):
    b, _ = known_programme(world, timezone.now())
    if chosen == "other":
        chosen = str(world["cohort_other"].pk)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:dashboard", args=[b.programme.pk]), {"cohort": chosen})
    assert response.status_code == 404


def _numbers(rows):
    for row in rows[1:]:
        for value in row[1:]:
            text = str(value)
            if text.isdigit():
                yield int(text)


def test_the_exports_hold_only_suppressed_figures(client, world):
    b, _ = known_programme(world, timezone.now(), partly=2)
    small = b.cohort("Cohort B")
    b.places(small, "mentee", 3)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:dashboard_csv", args=[b.programme.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # The figures, then an empty row and the rule that says what "*" stands for.
    rows, rule = rows[: rows.index([])], rows[rows.index([]) + 1 :]
    assert rule == [[" ".join(RULE_LINES)]]
    assert rows[0] == ["Measure", "Whole programme", "Cohort A", "Cohort B"]
    numbers = list(_numbers(rows))
    assert numbers and all(n == 0 or (n >= 8 and n % 5 == 0) for n in numbers)
    assert "*" in [value for row in rows for value in row]

    response = client.get(reverse("reports:dashboard_xlsx", args=[b.programme.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    # A cell left empty (a breakdown is not published for one cohort) reads back as None.
    book_rows = [
        ["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()
    ]
    assert book_rows[: len(rows)] == rows
    assert book_rows[-1][0] == " ".join(RULE_LINES)


def test_a_breakdown_chosen_within_a_cohort_says_its_figures_are_the_whole_programmes(
    client, world
):
    # Issue 19, item 2: the caption named the cohort while the figures were the programme's.
    small, url = _with_cohort_b(client, world)
    content = client.get(url, {"cohort": small.pk, "breakdown": "ethnicity"}).content.decode()
    caption = content.split('id="breakdown"', 1)[1].split("</caption>", 1)[0]
    assert "Cohort B" not in caption
    assert "whole programme" in caption
    whole = client.get(url, {"breakdown": "ethnicity"}).content.decode()
    table = whole.split('id="breakdown"', 1)[1].split("</table>", 1)[0]
    assert (
        table.split("</caption>", 1)[1]
        == content.split('id="breakdown"', 1)[1].split("</table>", 1)[0].split("</caption>", 1)[1]
    )
