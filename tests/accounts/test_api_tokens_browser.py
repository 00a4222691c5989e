"""A mentor on a phone reviews their API tokens and revokes one; the page passes axe and
fits the screen."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allied.accounts.models import ApiToken
from tests.browser.conftest import axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_on_a_phone_revokes_one_of_their_tokens(max_mentor, page, live_server):
    ApiToken.issue(user=max_mentor, name="Meeting notes script", verified=False)
    _, kept = ApiToken.issue(user=max_mentor, name="Calendar", verified=False)
    page.set_viewport_size({"width": 360, "height": 740})
    signed_in(page, live_server, max_mentor)
    page.goto(live_server.url + reverse("accounts:account"))
    assert page.get_by_role("heading", name="API tokens").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Revoke Meeting notes script").click()
    expect(
        page.get_by_text("The API token “Meeting notes script” has been revoked.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Calendar")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Meeting notes script")).to_have_count(0)
    assert axe_violations(page) == []
    assert ApiToken.active_for(kept) is not None
