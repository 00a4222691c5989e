"""The dashboard in a real browser: it renders its chart and passes axe."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import axe_violations
from tests.conftest import sign_in
from tests.reports.helpers import known_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_passes_axe(world, page, live_server):
    b, cohort = known_programme(world, timezone.now(), partly=2)
    client = sign_in(Client(), world["carol"])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    url = live_server.url + reverse("reports:dashboard", args=[b.programme.pk])
    page.goto(url)
    assert page.locator("h1").inner_text() == "Dashboard: Whole programme"
    assert page.locator("img[alt^='Bar chart of meetings held by month']").count() == 1
    assert axe_violations(page) == []
    page.get_by_label("Show figures for").select_option(str(cohort.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Dashboard: Cohort A"
    assert axe_violations(page) == []
