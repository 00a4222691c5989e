"""The board report and the organisation view in a real browser: both pass axe, the period
form works, and printing hides everything but the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, signed_in
from tests.reports.helpers import known_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_report_passes_axe_takes_a_period_and_prints_without_navigation(
    world, page, live_server
):
    b, _ = known_programme(world, timezone.now(), partly=2)
    signed_in(page, live_server, world["carol"])
    page.goto(live_server.url + reverse("reports:board", args=[b.programme.pk]))
    assert page.locator("h1").inner_text() == "Board report: Evaluation programme"
    # Expectations met (8 yes, 2 partly) are both hidden: that chart is not an empty frame.
    assert page.locator("img[alt^='Bar chart of']").count() == 2
    expect(page.locator(".allied-board__no-chart")).to_have_count(1)
    assert axe_violations(page) == []

    start = timezone.localdate() - timedelta(days=30)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    assert page.locator("#period").inner_text().startswith(f"From {start:%-d %B %Y} to ")
    assert axe_violations(page) == []

    page.get_by_label("From", exact=True).fill("2026-06-01")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    assert (
        "The to date must be the same as or after the from date"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    assert axe_violations(page) == []

    page.goto(live_server.url + reverse("reports:board", args=[b.programme.pk]))
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.locator("form.allied-no-print")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()


def test_the_organisation_view_passes_axe(world, page, live_server):
    known_programme(world, timezone.now())
    signed_in(page, live_server, world["alice"])
    page.goto(live_server.url + reverse("reports:organisation", args=[world["own"].slug]))
    assert page.locator("h1").inner_text() == "Programme reports"
    assert page.locator("#programmes tbody tr").count() == 2
    assert axe_violations(page) == []


def test_a_coordinator_downloads_the_period_s_report_as_a_tagged_pdf(world, page, live_server):
    import pikepdf

    b, _ = known_programme(world, timezone.now())
    signed_in(page, live_server, world["carol"])
    page.goto(live_server.url + reverse("reports:board", args=[b.programme.pk]))
    start = timezone.localdate() - timedelta(days=30)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Show the report").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download this report as a PDF").click()
    download = downloading.value
    assert download.suggested_filename.startswith(
        f"programme-{b.programme.pk}-board-report-{start.isoformat()}-to-"
    )
    with pikepdf.open(download.path()) as pdf:
        assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == "Board report: Evaluation programme"
        # The period chosen on the page is the PDF's.
        assert str(pdf.docinfo["/Subject"]).startswith(f"From {start:%-d %B %Y} to ")
