"""Career outcomes in a real browser: a mentee records one, the coordinator confirms it, the
mentee sees the decision; every page passes axe-core with no serious or critical violations,
with and without errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

# The browser fixtures live in tests/browser/conftest.py; imported so that pytest finds them here.
from tests.browser.conftest import axe_violations, browser, new_page, signed_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(new_page, live_server, user):  # noqa: F811
    return signed_in(new_page(), live_server, user)


def test_a_mentee_records_an_outcome_and_the_coordinator_confirms_it(
    live_server,
    new_page,  # noqa: F811
    world,
):
    place, programme = world["mentee_place_own"], world["programme_own"]
    found = {}

    mia = _signed_in_page(new_page, live_server, world["mia"])
    mia.goto(live_server.url + reverse("programmes:detail", args=[programme.pk]))
    mia.get_by_role("link", name="Your career outcomes").click()
    mia.get_by_role("heading", name="Your career outcomes").wait_for()
    found["list"] = axe_violations(mia)
    mia.get_by_role("button", name="Record an outcome").click()
    mia.get_by_role("heading", name="Record a career outcome").wait_for()
    found["form"] = axe_violations(mia)
    # A band change without the band, dated tomorrow: both errors, nothing recorded.
    mia.get_by_label("Band change", exact=True).check()
    tomorrow = timezone.localdate() + timedelta(days=1)
    mia.get_by_label("When did it happen?").fill(tomorrow.isoformat())
    mia.get_by_role("button", name="Record the outcome").click()
    mia.locator(".nhsuk-error-summary").wait_for()
    assert "The date cannot be in the future" in mia.content()
    assert "Choose the band or career stage you moved to." in mia.content()
    found["form with errors"] = axe_violations(mia)
    mia.get_by_label("When did it happen?").fill("2026-01-15")
    mia.get_by_label("Your new band or career stage (for a band change)").select_option("band_6")
    mia.get_by_label("Describe it (optional)").fill("Moved to a band 6 community post")
    mia.get_by_role("button", name="Record the outcome").click()
    mia.get_by_text("Your outcome has been recorded").wait_for()
    assert place.outcomes.filter(kind="band_change", new_band="band_6").count() == 1
    found["list with outcomes"] = axe_violations(mia)

    carol = _signed_in_page(new_page, live_server, world["carol"])
    carol.goto(live_server.url + reverse("programmes:detail", args=[programme.pk]))
    carol.get_by_role("link", name="Career outcomes to confirm").click()
    carol.get_by_role("heading", name="Career outcomes to confirm").wait_for()
    found["queue"] = axe_violations(carol)
    carol.get_by_role("link", name="Review Mia Mentee\u2019s band change").click()
    carol.get_by_role("heading", name="Band change").wait_for()
    assert "Moved to a band 6 community post" in carol.content()
    found["decision"] = axe_violations(carol)
    carol.get_by_role("button", name="Save the decision").click()
    carol.locator(".nhsuk-error-summary").wait_for()
    found["decision with an error"] = axe_violations(carol)
    carol.get_by_label("Yes, confirm it").check()
    carol.get_by_label("A note for the participant (optional)").fill("Congratulations!")
    carol.get_by_role("button", name="Save the decision").click()
    carol.get_by_text("outcome is now confirmed").wait_for()
    found["queue after deciding"] = axe_violations(carol)

    mia.reload()
    assert "Congratulations!" in mia.content()
    card = mia.locator(".nhsuk-card", has_text="Band change")
    assert "Confirmed" in card.inner_text()
    assert {name: v for name, v in found.items() if v} == {}
