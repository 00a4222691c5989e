"""The matching pages in a real browser: each passes axe-core with no serious or critical
violations, for the coordinator, the mentee and the mentor."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from allied.matching import actions
from allied.programmes.models import Relationship
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import axe_violations
from tests.programmes.world_matching import small_cohort

# The browser suite's fixtures, shared with this module outside tests/browser/.
browser = browser_fixtures.browser
new_page = browser_fixtures.new_page

SCREENSHOTS = os.environ.get("ALLIED_SCREENSHOTS")  # a folder, to look at the pages
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_person(new_page, live_server, user):
    return browser_fixtures.signed_in(new_page(), live_server, user)


def test_the_matching_pages_pass_axe(world, make_person, live_server, new_page):
    small = small_cohort(world, make_person, mode="shortlist", capacity=1)
    cohort = small["cohort"]
    actions.shortlists_generate(cohort=cohort, by=world["carol"])
    actions.matching_run(cohort=cohort, by=world["carol"])

    carol = as_person(new_page, live_server, world["carol"])
    carol.goto(f"{live_server.url}/cohorts/{cohort.pk}/matching/")
    assert carol.get_by_role("heading", level=1).inner_text().startswith("Matching")
    assert axe_violations(carol) == []
    carol.get_by_role("button", name="Re-run for the rest").click()
    expect(carol.locator("body")).to_contain_text("Matching has run")
    assert axe_violations(carol) == []
    if SCREENSHOTS:
        carol.screenshot(path=f"{SCREENSHOTS}/matching.png", full_page=True)

    place = next(p for p in small["mentees"] if p.offers_made.exists())
    mentee = as_person(new_page, live_server, place.user)
    mentee.goto(f"{live_server.url}/places/{place.pk}/shortlist/")
    assert axe_violations(mentee) == []
    if SCREENSHOTS:
        mentee.screenshot(path=f"{SCREENSHOTS}/shortlist.png", full_page=True)
    mentee.get_by_role("textbox").first.fill("Hello")
    mentee.get_by_role("button", name="Choose").first.click()
    expect(mentee.locator("body")).to_contain_text("Your request has gone to")
    assert axe_violations(mentee) == []

    relationship = Relationship.objects.get(mentee=place)
    mentor = as_person(new_page, live_server, relationship.mentor.user)
    mentor.goto(f"{live_server.url}/mentoring/requests/")
    assert axe_violations(mentor) == []
    mentor.get_by_role("link", name=f"Answer {place.user.full_name}").click()
    assert axe_violations(mentor) == []
    mentor.get_by_role("button", name="Send your answer").click()
    expect(mentor).to_have_title(re.compile(r"^Error: "))
    assert axe_violations(mentor) == []
    mentor.get_by_label("Accept: I will be their mentor").check()
    mentor.get_by_role("button", name="Send your answer").click()
    expect(mentor.locator("body")).to_contain_text("You are now")


def test_pairing_an_ended_pair_again_warns_first_then_says_so_plainly(
    world, make_person, live_server, new_page
):
    from allied.mentoring.relationship import relationship_end

    small = small_cohort(world, make_person, capacity=2)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    draft = actions.draft_run(cohort)
    actions.matching_publish(
        cohort=cohort, run_id=draft.pk, version=actions.run_version(draft), by=world["carol"]
    )
    ada = small["mentees"][0]
    ended = Relationship.objects.get(mentee=ada, status=Relationship.Status.ACTIVE)
    relationship_end(relationship=ended, by=ada.user, ending="no_fault")
    former = ended.mentor.user.full_name

    carol = as_person(new_page, live_server, world["carol"])
    carol.goto(f"{live_server.url}/cohorts/{cohort.pk}/matching/")
    carol.get_by_role("button", name="Run matching").click()
    body = carol.locator("body")
    expect(body).to_contain_text("not matched again with the mentor of a relationship that ended")
    assert axe_violations(carol) == []

    # The page for choosing her mentor says whose mentoring with Ada ended, before anyone chooses.
    name = ada.user.full_name
    carol.get_by_role(
        "link", name=re.compile(f"(Swap {name}'s mentor|Choose a mentor for {name})")
    ).click()
    expect(carol.get_by_role("heading", level=1)).to_have_text(f"Choose a mentor for {name}")
    assert axe_violations(carol) == []
    option = carol.get_by_label(re.compile(f"^{former}"))
    expect(carol.locator("body")).to_contain_text("Their mentoring together ended")
    option.check()
    carol.get_by_role("button", name=f"Pair {name} with the chosen mentor").click()

    expect(carol.get_by_role("heading", level=1)).to_have_text("This pair breaks a hard rule")
    expect(body).to_contain_text("Their mentoring together ended.")
    assert axe_violations(carol) == []
    if SCREENSHOTS:
        carol.screenshot(path=f"{SCREENSHOTS}/matching-warning.png", full_page=True)
    carol.get_by_role("button", name="Pair them anyway").click()
    expect(carol).to_have_title(re.compile(r"^Error: "))
    expect(body).to_contain_text("Say why you are pairing them anyway.")
    assert axe_violations(carol) == []
    carol.get_by_label("Why pair them anyway?").fill("Both asked to carry on.")
    carol.get_by_role("button", name="Pair them anyway").click()
    expect(body).to_contain_text(f"{name} is now paired with {former} (locked), overriding")
    expect(body).to_contain_text("Paired against a hard rule")
    assert axe_violations(carol) == []

    # On a phone, the warning page reads and works as well.
    carol.set_viewport_size({"width": 390, "height": 844})
    carol.goto(f"{live_server.url}/cohorts/{cohort.pk}/matching/")
    expect(body).to_contain_text("Both asked to carry on.")
    assert carol.evaluate("document.documentElement.scrollWidth") <= 390
    if SCREENSHOTS:
        carol.screenshot(path=f"{SCREENSHOTS}/matching-override.png", full_page=True)
