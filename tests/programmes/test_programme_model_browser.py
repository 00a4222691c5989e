"""In a real browser: a coordinator starts a programme on a model their organisation built from
a workshop, and a mentee's intake asks its questions in that model's words. Every page passes
axe-core with no serious or critical violations."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from allied.programmes.models import Cohort, Participant, Programme
from tests.browser import conftest as in_browsers
from tests.browser.conftest import axe_violations
from tests.conftest import sign_in
from tests.programmes.test_programme_model import published_model

# The browser fixtures live in tests/browser/conftest.py; these pages are tested here.
browser, new_page = in_browsers.browser, in_browsers.new_page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(new_page, live_server, user):
    """Returns a page in a browser context of its own, signed in as `user`."""
    client = sign_in(Client(), user)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_a_coordinator_starts_a_programme_on_a_built_model_and_the_intake_speaks_it(
    live_server, new_page, world
):
    ours = published_model(world["own"], world["fay"])
    found = {}
    carol = signed_in_page(new_page, live_server, world["carol"])

    carol.goto(live_server.url + "/organisations/alder/programmes/new/")
    found["create"] = axe_violations(carol)
    carol.get_by_label("Name", exact=True).fill("Co-produced mentoring")
    carol.get_by_label("Alder's mentoring model (version 1)").check()
    carol.get_by_role("button", name="Create programme").click()
    carol.get_by_text("The programme has been created").wait_for()
    found["detail"] = axe_violations(carol)
    programme = Programme.objects.get(name="Co-produced mentoring")
    assert programme.model == ours
    assert carol.get_by_role("link", name="Alder's mentoring model (version 1)").is_visible()

    carol.goto(live_server.url + f"/programmes/{programme.pk}/edit/")
    found["settings"] = axe_violations(carol)
    assert carol.get_by_label("Alder's mentoring model (version 1)").is_checked()

    cohort = Cohort.objects.create(
        programme=programme, name="Autumn 2026", starts_on="2026-09-01", ends_on="2027-08-31"
    )
    place = Participant.objects.create(cohort=cohort, user=world["mia"], side="mentee")
    mia = signed_in_page(new_page, live_server, world["mia"])
    mia.goto(live_server.url + f"/places/{place.pk}/intake/needs/")
    found["intake needs"] = axe_violations(mia)
    mia.get_by_text("puts the mentee at the centre of sponsorship, allyship and trust,").wait_for()
    assert mia.get_by_text(
        "In this programme it covers: Trust and honesty (Allyship and trust)."
    ).is_visible()
    mia.get_by_role("group", name="What I require? Topics").get_by_label(
        "Sponsorship: opening doors and putting my name forward"
    ).check()
    mia.get_by_role("button", name="Save and continue").click()
    mia.wait_for_url(lambda url: "/needs/" not in url)
    place.refresh_from_db()
    assert place.needs_require == ["sponsorship"]

    carol.goto(live_server.url + f"/programmes/{programme.pk}/edit/")
    carol.get_by_text("its model can no longer change").wait_for()
    found["settings once people joined"] = axe_violations(carol)
    assert found == {name: [] for name in found}
