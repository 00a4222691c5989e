"""Data rights in a real browser: a person downloads their data; an admin erases someone
after typing their email address. Every page passes axe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allied.rights.models import Erasure
from tests.browser.conftest import axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_their_data(world, page, live_server):
    signed_in(page, live_server, world["mia"])
    page.goto(live_server.url + reverse("accounts:account"))
    page.get_by_role("link", name="Your data: download a copy, or ask for it to be erased").click()
    expect(page.locator("h1")).to_have_text("Your data")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a file for other software (JSON)").click()
    copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert copy["account"]["email"] == "mia@alder.example"
    page.get_by_role("link", name="Ask for your data to be erased").click()
    page.get_by_role("button", name="Ask for erasure").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_an_admin_erases_someone(world, page, live_server):
    signed_in(page, live_server, world["alice"])
    page.goto(live_server.url + reverse("rights:organisation", args=["alder"]))
    assert axe_violations(page) == []
    page.locator(f"a[href='{reverse('rights:person', args=['alder', world['mia'].pk])}']").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="See what erasing Mia Mentee's data will do").click()
    assert axe_violations(page) == []
    page.get_by_label("Type the person's email address to confirm").fill("wrong@example.org")
    page.get_by_role("button", name="Erase their data").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Type the person's email address to confirm").fill("mia@alder.example")
    page.get_by_role("button", name="Erase their data").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Erasure "))
    assert axe_violations(page) == []
    assert Erasure.objects.count() == 1


def test_the_retention_page_passes_axe(world, page, live_server):
    signed_in(page, live_server, world["carol"])
    page.goto(live_server.url + reverse("rights:retention", args=[world["programme_own"].pk]))
    page.get_by_label("Months to keep personal data after the last cohort ends").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
