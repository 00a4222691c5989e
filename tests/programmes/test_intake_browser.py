"""The intake pages in a real browser: each one passes axe-core with no serious or critical
violations, with and without errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

# The browser fixtures live in tests/browser/conftest.py; imported so that pytest finds them here.
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, browser, new_page, page  # noqa: F401
from tests.programmes.test_intake import ABOUT, open_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_intake_page_passes_axe(live_server, page, world):  # noqa: F811
    place = open_intake(world)["mentee"]
    client = Client()
    client.force_login(world["mia"], backend="allied.accounts.backends.EmailBackend")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    base = f"{live_server.url}/places/{place.pk}/intake/"
    found = {}
    page.goto(base)
    page.get_by_role("heading", name="Your intake as a mentee").wait_for()
    found["task list"] = axe_violations(page)
    for step in ("about", "you", "needs", "preferences", "equality", "race", "check"):
        page.goto(f"{base}{step}/")
        found[step] = axe_violations(page)
    page.goto(f"{base}about/")
    page.get_by_label("Your line manager's email address (optional)").fill("not an email")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    found["about with an error"] = axe_violations(page)
    page.get_by_label("Your profession", exact=True).select_option(ABOUT["profession"])
    page.get_by_label("Your band or career stage").select_option(ABOUT["band"])
    page.get_by_label("Your line manager's email address (optional)").fill("")
    page.get_by_role("button", name="Save and come back later").click()
    page.get_by_role("heading", name="Your intake as a mentee").wait_for()
    assert "Completed" in page.content()
    assert {name: v for name, v in found.items() if v} == {}
