"""A newcomer signs in as the demo coordinator, two-factor and all, in a real browser; every
page they visit passes axe-core with no serious or critical violations."""

from __future__ import annotations

import os

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from allied.demo import organisation as demo
from tests.browser.conftest import axe_violations

SCREENSHOTS = os.environ.get("ALLIED_SCREENSHOTS")  # a folder, to look at the pages
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_in_as_the_demo_coordinator_and_sees_the_dashboard(live_server, page):
    demo.load_demo()
    email = f"coordinator@{demo.DOMAIN}"
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    key, step = device.bin_key, device.step
    visited = {}

    def check(name):
        visited[name] = axe_violations(page)
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{name.replace(' ', '-')}.png", full_page=True)

    page.goto(live_server.url)
    check("home")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check("sign in with an error")

    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your security code").wait_for()
    check("security code")
    page.get_by_label("Security code").fill(f"{TOTP(key, step).token():06d}")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Your dashboard").wait_for()
    assert "Programme coordinator" in page.content()
    check("dashboard")

    page.get_by_role("link", name="People", exact=False).first.click()
    page.get_by_role("heading", name="People in").wait_for()
    assert "Kemi Adebayo" in page.content()
    check("people")

    page.get_by_role("button", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check("invite with errors")

    page.get_by_role("link", name="Your account").first.click()
    check("account")

    page.get_by_role("button", name="Sign out", exact=True).first.click()
    page.get_by_role("heading", name="Sign in to Allied").wait_for()

    problems = {name: found for name, found in visited.items() if found}
    assert problems == {}, problems
