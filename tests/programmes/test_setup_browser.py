"""The coordinator's set-up pages in a real browser: each passes axe-core with no serious or
critical violations, with and without form errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.browser import conftest as in_browsers
from tests.browser.conftest import axe_violations
from tests.conftest import sign_in

# The browser fixtures live in tests/browser/conftest.py; these pages are tested here.
browser, new_page, page = in_browsers.browser, in_browsers.new_page, in_browsers.page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "email,side,name,profession,band,capacity\n"
    "amina@alder.example,mentee,Amina Example,Occupational therapist,Band 5,\n"
    "bola@alder.example,mentor,Bola Example,Physiotherapist,Band 8a,2\n"
)


def test_the_coordinators_set_up_pages_pass_axe(live_server, page, world, tmp_path):
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
    programme, cohort = world["programme_own"], world["cohort_own"]
    found = {}

    def check(name, path=None):
        if path:
            page.goto(live_server.url + path)
        found[name] = axe_violations(page)

    check("list", "/programmes/")
    check("create", "/organisations/alder/programmes/new/")
    page.get_by_role("button", name="Create programme").click()
    page.locator(".nhsuk-error-summary").first.wait_for()
    assert page.title().startswith("Error: ")
    check("create with errors")
    check("detail", f"/programmes/{programme.pk}/")
    check("edit", f"/programmes/{programme.pk}/edit/")
    page.get_by_label("A met important preference").fill("-4")
    page.get_by_role("button", name="Save settings").click()
    page.locator(".nhsuk-error-summary").first.wait_for()
    assert page.title().startswith("Error: ")
    check("edit with errors")
    check("questions", f"/programmes/{programme.pk}/questions/")
    page.get_by_role("button", name="Add question").click()
    page.locator(".nhsuk-error-summary").first.wait_for()
    check("questions with errors")
    check("cohort create", f"/programmes/{programme.pk}/cohorts/new/")
    check("cohort", f"/cohorts/{cohort.pk}/")
    page.get_by_role("button", name="Invite").click()
    page.locator(".nhsuk-error-summary").first.wait_for()
    assert page.title().startswith("Error: ")
    check("cohort with errors")
    check("person", f"/cohorts/{cohort.pk}/people/{world['mentee_place_own'].pk}/")
    check("import", f"/cohorts/{cohort.pk}/import/")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("Band 5", "Band 99"))
    page.get_by_label("Upload a spreadsheet").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("row 2, band", exact=False).wait_for()
    check("import with errors")
    good = tmp_path / "good.csv"
    good.write_text(CSV)
    page.get_by_label("Upload a spreadsheet").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 2 people").wait_for()
    check("import preview")
    page.get_by_role("button", name="Import 2 people").click()
    page.get_by_text("2 people have been imported", exact=False).wait_for()
    check("cohort after import")
    assert {name: v for name, v in found.items() if v} == {}
