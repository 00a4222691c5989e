"""The board report: its figures, summary, charts and period, the disclosure rule on all of
them, bad dates, and its PDF (who may open it is in tests/programmes/matrix_board.py)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone

from allied.reports import board
from tests.conftest import sign_in
from tests.reports.helpers import DAY, Builder, known_programme

pytestmark = pytest.mark.django_db


def _figure(content: str, key: str) -> str:
    marker = f'data-key="{key}">'
    start = content.index(marker) + len(marker)
    return content[start : content.index("<", start)]


def _published_counts(report: board.BoardReport):
    """Every published count (not percentages or averages) in the report."""
    for group in report.groups:
        for figure in group.figures:
            if figure.value.isdigit():
                yield figure.key, int(figure.value)
    for chart in report.charts:
        for label, value in chart.rows:
            if value.isdigit():
                yield label, int(value)
    for label, values in report.cohort_rows:
        for value in values:
            if value.isdigit():
                yield label, int(value)


def _small_programme(world, now):
    """Three mentees matched with three mentors, each pair met once and reviewed."""
    b = Builder(world, now)
    cohort = b.cohort("Small cohort")
    mentees = b.places(cohort, "mentee", 3, completed=now - 20 * DAY)
    mentors = b.places(cohort, "mentor", 3)
    for mentee, mentor in zip(mentees, mentors, strict=True):
        rel = b.pair(mentee, mentor, "active", 15)
        b.meeting(rel, 5)
        b.review(rel)
    return b


def test_the_report_holds_the_headline_measures_of_a_hand_worked_programme(world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    report = board.build(b.programme, now=now)
    assert report.title == "Board report: Evaluation programme"
    assert report.period == f"From the start of the programme to {now:%-d %B %Y}"
    assert [g.title for g in report.groups][:5] == [
        "Recruited",
        "Matched",
        "Met",
        "Retained",
        "Acceptability",
    ]
    assert report.figure("recruitment.mentee.registered") == "30"
    assert report.figure("matching.matched") == "20"
    assert report.figure("engagement.meetings") == "20"
    assert report.figure("engagement.percent") == "25%"
    assert report.figure("retention.completed") == "10"
    assert report.figure("acceptability.expectations.yes") == "10"
    assert report.figure("matching.median_days") == "10"
    assert report.cohorts == ["Cohort A"]
    assert ("Mentees matched", ["20"]) in report.cohort_rows


def test_the_summary_puts_the_figures_into_plain_english(world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    summary = board.build(b.programme, now=now).summary
    assert "About 30 mentees and about 10 mentors registered for the programme." in summary
    # 20 matched of 30 who completed their intake, from the rounded figures.
    assert "Of the mentees who completed their intake, about 67% were matched with a mentor." in (
        summary
    )
    assert (
        "Half of those matched were matched within 10 days of completing their intake." in summary
    )
    assert any(line.startswith("Pairs held about 20 meetings, 25% of the 80") for line in summary)
    assert any("no mentees ended it early" in line for line in summary)
    assert (
        "About 10 people reviewed their mentoring: about 100% said it met their expectations."
        in (summary)
    )


def test_the_charts_have_text_alternatives_and_data_from_the_published_figures(world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    report = board.build(b.programme, now=now)
    journey = report.charts[0]
    assert journey.rows == (
        ("Registered", "30"),
        ("Completed their intake", "30"),
        ("Matched with a mentor", "20"),
        ("Completed their relationship", "10"),
    )
    assert journey.alt.startswith("Bar chart of mentees from registration")
    assert "Matched with a mentor, 20" in journey.alt
    assert [c.slug for c in report.charts] == ["journey", "meetings", "expectations"]
    assert board.chart_uri(journey).startswith("data:image/png;base64,")


def test_a_chart_with_nothing_to_draw_is_not_an_empty_frame(client, world):
    """Issue 19, item 5: a short period's charts, whose bars are all none or hidden, are not
    drawn; the page, and the PDF, say why and keep the figures' table."""
    now = timezone.now()
    b, _ = known_programme(world, now)
    day = (now - 60 * DAY).date()
    report = board.build(b.programme, start=day, end=day, now=now)
    assert report.charts and not any(chart.drawn for chart in report.charts)
    sign_in(client, world["carol"])
    query = {"from": day.isoformat(), "to": day.isoformat()}
    page = client.get(reverse("reports:board", args=[b.programme.pk]), query).content.decode()
    assert page.count("No chart is drawn: every figure in it is none or hidden") == len(
        report.charts
    )
    assert 'src="data:image/png' not in page
    pdf = client.get(reverse("reports:board_pdf", args=[b.programme.pk]), query)
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        kinds = [kind for kind, _ in _structure(document.Root.StructTreeRoot, [])]
    assert "/Figure" not in kinds and "/Table" in kinds


def test_no_small_number_is_published_and_the_summary_never_says_a_hidden_one(world):
    now = timezone.now()
    b = _small_programme(world, now)
    report = board.build(b.programme, now=now)
    counts = list(_published_counts(report))
    assert counts and all(n == 0 for _, n in counts), counts
    assert report.figure("recruitment.mentee.registered") == "*"
    assert report.figure("acceptability.mean.0") == "*"
    summary = " ".join(report.summary)
    assert not re.search(r"\d", summary), summary
    assert "The number of mentees registered is not shown (*)" in summary
    exported = json.loads(board.render_json(report))
    text = json.dumps(exported["measures"]) + json.dumps(exported["charts"])
    assert not re.search(r'"value": "[1-7]"', text)


def test_a_figure_that_could_be_subtracted_is_hidden_and_not_put_into_words(world):
    now = timezone.now()
    b, _ = known_programme(world, now, partly=2)
    report = board.build(b.programme, now=now)
    assert report.figure("acceptability.expectations.partly") == "*"
    hidden = [
        report.figure("acceptability.reviewed"),
        report.figure("acceptability.expectations.yes"),
    ]
    assert "*" in hidden
    assert not any("partly did" in line for line in report.summary)
    for key, count in _published_counts(report):
        assert count == 0 or (count >= 8 and count % 5 == 0), (key, count)


def test_the_page_shows_the_report_with_the_rule_and_a_print_stylesheet(client, world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:board", args=[b.programme.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Board report: Evaluation programme</h1>" in content
    assert _figure(content, "matching.matched") == "20"
    assert all(line in content for line in board.RULE_LINES)
    assert "about 67% were matched with a mentor" in content
    assert content.count('src="data:image/png;base64,') == 3
    assert 'alt="Bar chart of meetings held by month:' in content
    assert 'href="/static/allied/board-print.css" media="print"' in content
    assert reverse("reports:board_pdf", args=[b.programme.pk]) in content


def test_the_period_is_passed_to_the_measures_and_named_on_the_page(client, world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    start = timezone.localdate() - timedelta(days=30)
    sign_in(client, world["carol"])
    response = client.get(
        reverse("reports:board", args=[b.programme.pk]),
        {"from": start.isoformat(), "to": timezone.localdate().isoformat()},
    )
    content = response.content.decode()
    assert f"From {start:%-d %B %Y} to {timezone.localdate():%-d %B %Y}" in content
    # Only the 10 meetings held 7 days ago fall in the period; the 10 of 200 days ago do not.
    assert _figure(content, "engagement.meetings") == "10"
    pdf = client.get(
        reverse("reports:board_pdf", args=[b.programme.pk]), {"from": start.isoformat()}
    )
    assert f"board-report-{start.isoformat()}-to-" in pdf["Content-Disposition"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-02-30"}, "Enter the from date as a real date, like 2026-03-27"),
        ({"to": "yesterday"}, "Enter the to date as a real date, like 2026-03-27"),
        (
            {"from": "2026-06-01", "to": "2026-05-01"},
            "The to date must be the same as or after the from date",
        ),
        ({"from": "1899-01-01"}, "Enter a from date between 1 January 2000 and"),
        ({"to": "20266-01-01"}, "Enter the to date as a real date"),
    ],
)
def test_bad_dates_get_a_clear_message_and_no_report(client, world, query, message):
    b, _ = known_programme(world, timezone.now())
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:board", args=[b.programme.pk]), query)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: Board report" in content
    assert 'data-key="' not in content
    pdf = client.get(reverse("reports:board_pdf", args=[b.programme.pk]), query)
    assert pdf.status_code == 400
    assert message in pdf.content.decode()


def test_empty_dates_mean_the_whole_programme_to_today(client, world):
    b, _ = known_programme(world, timezone.now())
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:board", args=[b.programme.pk]), {"from": "", "to": ""})
    assert "From the start of the programme to" in response.content.decode()


def test_the_pdf_opens_as_an_a4_document_of_several_pages(client, world):
    now = timezone.now()
    b, _ = known_programme(world, now)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:board_pdf", args=[b.programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="programme-{b.programme.pk}-board-report-start-to-'
    )
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert len(pdf.pages) >= 2
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        assert str(pdf.docinfo["/Title"]) == "Board report: Evaluation programme"


def _structure(node, found):
    """Collects (structure type, its /Alt or None) under a structure element, depth first."""
    kind = node.get("/S")
    if kind is not None:
        found.append((str(kind), str(node["/Alt"]) if "/Alt" in node else None))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            _structure(kid, found)
    return found


def test_the_pdf_is_tagged_for_a_screen_reader(client, world):
    """Issue 19, item 5: a tagged PDF (PDF/UA) with its language, title, headings, tables with
    header cells, and every chart described."""
    now = timezone.now()
    b, _ = known_programme(world, now)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:board_pdf", args=[b.programme.pk]))
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle
        assert "pdfuaid:part" in str(pdf.open_metadata())
        elements = _structure(root.StructTreeRoot, [])
    kinds = [kind for kind, _ in elements]
    assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 3
    assert kinds.count("/Table") >= 3 and "/TH" in kinds and "/TD" in kinds
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert len(figures) == sum(c.drawn for c in board.build(b.programme, now=now).charts) >= 1
    assert all(alt and "The same figures are in the table below." in alt for alt in figures)


def test_the_pdf_of_a_small_programme_still_builds(world):
    now = timezone.now()
    b = _small_programme(world, now)
    pdf = board.render_pdf(board.build(b.programme, now=now))
    assert pdf.startswith(b"%PDF-")


def test_the_spreadsheet_and_json_hold_the_same_published_figures(world):
    import io

    from openpyxl import load_workbook

    now = timezone.now()
    b, _ = known_programme(world, now, partly=2)
    report = board.build(b.programme, now=now)
    data = json.loads(board.render_json(report))
    assert data["period"]["to"] == report.end.isoformat()
    assert data["period"]["from"] is None
    flat = {f["key"]: f["value"] for g in data["measures"] for f in g["figures"]}
    assert flat["acceptability.expectations.partly"] == "*"
    assert flat["matching.matched"] == report.figure("matching.matched")
    assert data["summary"] == report.summary

    book = load_workbook(io.BytesIO(board.render_xlsx(report)))
    assert book.sheetnames == ["Headline measures", "Charts", "By cohort", "By ethnic group"]
    rows = [[c.value for c in row] for row in book["Headline measures"].iter_rows()]
    firsts = [row[:2] for row in rows]
    assert ["Matched: Mentees matched with a mentor", report.figure("matching.matched")] in firsts
    assert ["Acceptability: Expectations met: partly", "*"] in firsts
    assert [board.RULE, None] in firsts


def test_confirmed_career_outcomes_are_reported_as_progression(world):
    from allied.programmes.models import CareerOutcome, Participant

    now = timezone.now()
    b, cohort = known_programme(world, now)
    mentees = Participant.objects.filter(cohort=cohort, side="mentee").order_by("pk")[:10]
    for mentee in mentees:
        CareerOutcome.objects.create(
            participant=mentee,
            kind=CareerOutcome.Kind.PROMOTION,
            happened_on=timezone.localdate() - timedelta(days=3),
            status=CareerOutcome.Status.CONFIRMED,
        )
    report = board.build(b.programme, now=now)
    assert report.groups[-1].title == "Career progression"
    assert report.figure("progression.any") == "10"
    assert report.figure("progression.after") == "10"
    assert "Mentees with a confirmed career outcome: about 10." in report.summary


def test_a_programme_named_like_tex_still_makes_a_pdf(world):
    """Names are text: matplotlib must not try to read "$...$" in them as maths."""
    from allied.programmes.models import Programme

    programme = Programme.objects.create(
        organisation=world["own"], name="Budget $5k to $10k \\frac{1}{2} $x^"
    )
    report = board.build(programme)
    assert board.render_pdf(report).startswith(b"%PDF")


def test_exports_write_names_that_look_like_formulas_as_plain_text(client, world):
    from openpyxl import load_workbook

    from allied.programmes.models import Cohort, Programme

    programme = Programme.objects.create(organisation=world["own"], name="=cmd|' /C calc'!A0")
    programme.coordinators.add(world["carol"])
    Cohort.objects.create(
        programme=programme,
        name='=HYPERLINK("http://evil.example","x")',
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    book = load_workbook(io.BytesIO(board.render_xlsx(board.build(programme))))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert cells and all(c.data_type != "f" for c in cells)
    sign_in(client, world["carol"])
    response = client.get(reverse("reports:dashboard_xlsx", args=[programme.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    assert all(c.data_type != "f" for c in cells)
    response = client.get(reverse("reports:dashboard_csv", args=[programme.pk]))
    assert "'=HYPERLINK" in response.content.decode()


def test_a_server_without_the_pdf_library_says_so_and_the_page_still_prints(
    client, world, monkeypatch
):
    import sys

    now = timezone.now()
    b, _ = known_programme(world, now)
    sign_in(client, world["carol"])
    # As on a server without Pango, where WeasyPrint cannot load.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client.get(reverse("reports:board_pdf", args=[b.programme.pk]))
    assert response.status_code == 503
    assert "cannot make PDFs" in response.content.decode()
    assert client.get(reverse("reports:board", args=[b.programme.pk])).status_code == 200
