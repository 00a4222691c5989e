"""The dashboard in a real browser: it renders its charts, its breakdown and the workforce
comparison, and passes axe, as does the workforce figures page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from allied.programmes.models import SpecialCategory
from tests.browser.conftest import axe_violations
from tests.conftest import sign_in
from tests.reports.helpers import DAY, known_programme

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


def test_the_breakdown_and_the_workforce_page_pass_axe(world, page, live_server):
    now = timezone.now()
    b, cohort = known_programme(world, now, partly=2)
    for person in cohort.participants.filter(side="mentee")[:10]:
        SpecialCategory.objects.create(
            participant=person, ethnic_group="black_african", monitoring_consent=True
        )
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
    page.goto(live_server.url + reverse("reports:workforce", args=[b.programme.pk]))
    assert axe_violations(page) == []
    page.get_by_label("Date the figures are for").fill("2026-03-31")
    for label, count in [
        ("White", "800"),
        ("Black, Black British, Black Welsh, Caribbean or African", "200"),
        ("Asian, Asian British or Asian Welsh", "0"),
        ("Mixed or Multiple ethnic groups", "0"),
        ("Other ethnic group", "0"),
        ("Not stated", "0"),
    ]:
        page.get_by_label(label, exact=True).fill(count)
    page.get_by_role("button", name="Save the figures").click()
    expect(page.locator("body")).to_contain_text("The workforce figures have been saved.")
    assert axe_violations(page) == []

    page.goto(live_server.url + reverse("reports:dashboard", args=[b.programme.pk]))
    page.get_by_label("Break the figures down by").select_option("ethnicity")
    page.get_by_label("From").fill((now - 400 * DAY).date().isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.locator("#breakdown").count() == 1
    assert page.locator("img[alt^='Bar chart of the share of each ethnic group']").count() == 1
    assert page.locator("#workforce-comparison").count() == 1
    assert axe_violations(page) == []

    # A browser's date control cannot hold a date that does not exist; a typed address can.
    page.goto(
        live_server.url
        + reverse("reports:dashboard", args=[b.programme.pk])
        + "?from=2026-02-30&breakdown=ethnicity"
    )
    assert page.locator(".nhsuk-error-summary").count() == 1
    assert axe_violations(page) == []
