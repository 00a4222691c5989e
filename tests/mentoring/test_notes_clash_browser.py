"""Two people write the shared notes of one meeting at once, in Chromium (issue 18, item 4):
the second to save sees both versions side by side, keeps what she typed, and saves after
reading theirs; on a 390 px phone too, with axe finding nothing serious."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import axe_violations

browser = browser_fixtures.browser
new_page = browser_fixtures.new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_notes_clash_shows_theirs_beside_yours_and_nothing_typed_is_lost(
    world, live_server, new_page
):
    meeting = world["meeting_own"]
    url = f"{live_server.url}/meetings/{meeting.pk}/"
    mentee = browser_fixtures.signed_in(new_page(), live_server, world["mia"])
    mentee.set_viewport_size({"width": 390, "height": 844})
    mentor = browser_fixtures.signed_in(new_page(), live_server, world["max_mentor"])
    mentee.goto(url)
    mentor.goto(url)

    mentor.get_by_label("Shared notes").fill("Max's summary: CV review next time.")
    mentor.get_by_role("button", name="Save shared notes").click()
    expect(mentor.locator("body")).to_contain_text("Your shared notes have been saved.")

    typed = "Mia's notes: ask about the band 7 interview panel."
    mentee.get_by_label("Shared notes").fill(typed)
    mentee.get_by_role("button", name="Save shared notes").click()
    expect(mentee).to_have_title(re.compile(r"^Error: "))
    expect(mentee.get_by_role("region", name="Their version")).to_contain_text(
        "Max's summary: CV review next time."
    )
    yours = mentee.get_by_label("Your version")
    expect(yours).to_have_value(typed)
    assert axe_violations(mentee) == []
    assert mentee.evaluate("document.documentElement.scrollWidth") <= 390

    yours.fill("Max's summary: CV review next time.\n" + typed)
    mentee.get_by_role("button", name="Save your version").click()
    expect(mentee.locator("body")).to_contain_text("Your shared notes have been saved.")
    mentor.reload()
    expect(mentor.get_by_label("Shared notes")).to_have_value(
        "Max's summary: CV review next time.\n" + typed
    )
