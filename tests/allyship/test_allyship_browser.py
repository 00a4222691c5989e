"""The allyship pages in a real browser: each passes axe-core with no serious or critical
violations, a form with errors included."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from allied.allyship import actions
from allied.core import allyship as model
from allied.programmes.models import Agreement

# The browser fixtures live in tests/browser/conftest.py; imported so that pytest finds them here.
from tests.browser.conftest import axe_violations, browser, new_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(new_page, live_server, user):  # noqa: F811
    client = Client()
    client.force_login(user, backend="allied.accounts.backends.EmailBackend")
    tab = new_page()
    tab.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return tab


def test_every_allyship_page_passes_axe(live_server, new_page, world):  # noqa: F811
    programme = world["programme_own"]
    actions.modules_add_defaults(programme=programme)
    mentor = world["max_mentor"]
    for rating in (2, 4):
        data = {f"rating_{code}": rating for code in model.CODES}
        reflection = actions.reflection_create(author=mentor, data={**data, "overall": "words"})
    actions.reflection_share(reflection=reflection, programme=programme)
    actions.module_complete(module=world["module_own"], user=mentor, reflection="mine")
    found = {}

    page = signed_in_page(new_page, live_server, mentor)
    for name, url in (
        ("home", reverse("allyship:home")),
        ("new", reverse("allyship:reflection_new")),
        ("reflection", reverse("allyship:reflection", args=[reflection.pk])),
        ("module", reverse("allyship:module", args=[world["module_own"].pk])),
    ):
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
    page.goto(live_server.url + reverse("allyship:reflection_new"))
    page.get_by_role("button", name="Save your reflection").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    found["new with errors"] = axe_violations(page)

    page = signed_in_page(new_page, live_server, world["carol"])
    module = programme.training_modules.first()
    for name, url in (
        ("training", reverse("allyship:training", args=[programme.pk])),
        ("edit", reverse("allyship:module_edit", args=[programme.pk, module.pk])),
        ("progress", reverse("allyship:progress", args=[programme.pk])),
        ("shared", reverse("allyship:shared", args=[programme.pk])),
        ("feedback", reverse("allyship:feedback", args=[programme.pk])),
        ("module as coordinator", reverse("allyship:module", args=[module.pk])),
    ):
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)

    Agreement.objects.filter(relationship=world["relationship_own"]).update(
        end_review_on=timezone.localdate()
    )
    page = signed_in_page(new_page, live_server, world["mia"])
    page.goto(
        live_server.url + reverse("programmes:review", args=[world["relationship_own"].pk, "end"])
    )
    page.get_by_text("Did you feel believed?").wait_for()
    found["mentee review"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}
