"""The research extract in a real browser: an admin reads what is in it, is told what is
missing, then downloads the file; the page passes axe with and without errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from allied.reports.extract import HEADERS
from tests.browser.conftest import axe_violations, signed_in
from tests.reports.helpers import known_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_takes_the_extract_in_the_browser(world, page, live_server):
    b, _ = known_programme(world, timezone.now())
    signed_in(page, live_server, world["alice"])
    page.goto(live_server.url + reverse("reports:extract", args=[b.programme.pk]))
    assert page.locator("h1").inner_text() == "Research extract"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Download the extract").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter what the extract is for" in summary.inner_text()
    assert "Confirm how the extract will be used" in summary.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("What is the extract for?").fill("Evaluation study under DSA-2026-14")
    page.get_by_label("CSV file").check()
    page.get_by_label("I confirm that this extract").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the extract").click()
    path = download.value.path()
    with open(path, encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 1 + 38  # 28 mentees and 10 mentors
