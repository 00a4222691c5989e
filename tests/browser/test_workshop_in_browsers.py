"""A facilitator and three participants, each in their own browser, take one question
through every phase of the Nominal Group Technique and see the same final ranking. Every
workshop page they see passes axe-core with no serious or critical violations."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from allied.demo import organisation as demo
from allied.demo.workshops import TITLE
from allied.workshops.models import DraftIdea, Workshop
from tests.browser.conftest import axe_violations

SCREENSHOTS = os.environ.get("ALLIED_SCREENSHOTS")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_and_three_participants_reach_the_same_ranking(live_server, new_page):
    demo.load_demo(parts=["workshops"])
    problems: dict[str, list] = {}

    def check(page, name):
        found = axe_violations(page)
        if found:
            problems[name] = found
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)

    # The facilitator signs in and opens the demo workshop.
    fac = new_page()
    fac.goto(f"{live_server.url}/sign-in/")
    fac.get_by_label("Email address").fill(f"facilitator@{demo.DOMAIN}")
    fac.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    fac.get_by_role("button", name="Sign in").click()
    fac.get_by_role("link", name="Workshops", exact=True).first.click()
    check(fac, "workshop-list")
    fac.get_by_role("link", name=TITLE).click()
    code = fac.locator(".allied-secret").first.inner_text().strip()
    check(fac, "workshop-detail")

    # The screen for the room opens from the workshop's page: the join code in large type,
    # no controls, and it follows the workshop by itself.
    with fac.expect_popup() as opened:
        fac.get_by_role("link", name="Present to the room (opens in a new tab)").click()
    room = opened.value
    room.set_viewport_size({"width": 1280, "height": 720})
    expect(room.locator(".allied-present__join")).to_contain_text(code)
    assert room.locator("main form, main button").count() == 0
    check(room, "room-before-start")

    # Three participants join by code, consent, and skip the optional questions.
    people = []
    for number in range(1, 4):
        page = new_page()
        page.goto(f"{live_server.url}/join/")
        if number == 1:
            check(page, "join")
        page.get_by_label("Join code").fill(code.lower())
        page.get_by_role("button", name="Continue").click()
        if number == 1:
            page.get_by_role("button", name="Join the workshop").click()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            check(page, "consent-with-error")
        page.get_by_label("I have read the statement above and agree to take part").check()
        page.get_by_role("button", name="Join the workshop").click()
        if number == 1:
            check(page, "about-you")
        page.get_by_role("button", name="Skip these questions").click()
        expect(page.get_by_role("heading", name=f"You are P{number}")).to_be_visible()
        people.append(page)
    check(people[0], "participant-waiting")
    # Served as in production (uvicorn), the phones and the room's screen hear of changes over
    # their event streams (over Django's own server, which cannot stream, they poll).
    connection = "streaming" if live_server.streams else "polling"
    for page in [*people, room]:
        expect(page.locator("[data-live-connection]").first).to_have_attribute(
            "data-live-connection", connection
        )

    def next_phase(label="Next phase"):
        fac.get_by_role("button", name=label).click()

    fac.get_by_role("button", name="Start the workshop").click()
    question = "What do you consider is important in mentoring?"
    for page in people:
        expect(page.get_by_role("heading", name=question)).to_be_visible(timeout=10_000)
    check(people[0], "participant-introduction")
    expect(room.get_by_role("heading", name=question)).to_be_visible(timeout=10_000)
    expect(room.locator(".allied-present__join")).to_contain_text(code)
    check(fac, "console-introduction")

    # Silent generation: each writes privately; ideas are saved as they type.
    next_phase()
    ideas = {
        0: ["Open, frank conversations about expectations", "Regular, protected time"],
        1: ["A sponsor who opens doors"],
        2: ["Talking about racism only if the mentee wants to"],
    }
    # P2's idea is saved as they type: a reload a moment later still shows it.
    people[1].get_by_label("A new idea").fill(ideas[1][0])
    people[1].wait_for_timeout(1500)
    people[1].reload()
    expect(people[1].locator("textarea", has_text=ideas[1][0])).to_be_visible()
    for index, page in enumerate(people):
        expect(page.get_by_text("Phase 2 of 7")).to_be_visible(timeout=10_000)
        if index == 1:
            continue
        for text in ideas[index]:
            page.get_by_label("A new idea").fill(text)
            page.get_by_role("button", name="Save idea").click()
            expect(page.get_by_text(text)).to_be_visible()
    check(people[0], "participant-silent")
    expect(room.locator(".allied-countdown")).to_be_visible(timeout=10_000)
    expect(room.locator(".allied-present__join")).to_have_count(0)
    check(room, "room-silent")
    check(fac, "console-silent")
    # Nobody sees another's private ideas.
    assert "A sponsor who opens doors" not in people[0].content()

    # Words typed as the facilitator closes the phase are kept as a private idea, which can
    # still be shared in round-robin.
    # The page's clock is held still, so the typing pause that starts a save never ends: only
    # the phase change can save these words.
    late = "Words typed as the phase closed"
    people[2].clock.install()
    people[2].reload()
    people[2].clock.pause_at(datetime.datetime.now() + datetime.timedelta(seconds=1))
    people[2].get_by_label("A new idea").fill(late)

    # Round-robin: one idea per turn, in turn order, until everyone passes.
    next_phase()
    expect(people[2].get_by_text("Phase 3 of 7")).to_be_visible(timeout=10_000)
    expect(people[2].locator("textarea", has_text=late)).to_be_visible()
    assert DraftIdea.objects.filter(text=late).exists()
    people[2].clock.resume()
    shares = [
        (0, "Open, frank conversations about expectations"),
        (1, "A sponsor who opens doors"),
        (2, "Talking about racism only if the mentee wants to"),
        (0, "Regular, protected time"),
    ]
    for index, text in shares:
        page = people[index]
        expect(page.get_by_role("heading", name="It is your turn")).to_be_visible(timeout=10_000)
        if index == 0 and text.startswith("Open"):
            check(page, "participant-your-turn")
        page.get_by_label(text).check()
        page.get_by_role("button", name="Share this idea").click()
    for page in people[1:] + people[:1]:
        expect(page.get_by_role("heading", name="It is your turn")).to_be_visible(timeout=10_000)
        page.get_by_role("button", name="Pass").click()
    for page in [*people, fac]:
        expect(page.get_by_text("Everyone has passed.")).to_be_visible(timeout=10_000)
    check(fac, "console-round-robin")
    # The shared ideas reach the room as they arrive, without anyone touching its screen.
    for _, text in shares:
        expect(room.get_by_text(text)).to_be_visible(timeout=10_000)
    check(room, "room-round-robin")

    # Clarification: the facilitator rewords an idea and groups two into a theme.
    next_phase()
    fac.get_by_label("Idea", exact=True).select_option(label="4. Regular, protected time")
    fac.get_by_label("New wording").fill("Regular, protected time for mentoring")
    fac.get_by_role("button", name="Change wording").click()
    fac.get_by_label("Theme", exact=True).fill("The relationship")
    fac.locator("label", has_text="1. Open, frank conversations").last.click()
    fac.locator("label", has_text="4. Regular, protected time").last.click()
    fac.get_by_role("button", name="Save theme").click()
    check(fac, "console-clarification")
    expect(people[1].get_by_text("Regular, protected time for mentoring")).to_be_visible(
        timeout=10_000
    )

    # Voting: private; the count moves on every screen; no tally yet.
    next_phase()
    votes = [
        {"3.": "1", "1.": "2", "2.": "3"},
        {"2.": "1", "3.": "2"},
        {"3.": "1", "4.": "2", "1.": "3"},
    ]
    for index, (page, ballot) in enumerate(zip(people, votes, strict=True)):
        expect(page.get_by_role("heading", name="Your vote")).to_be_visible(timeout=10_000)
        if index == 0:
            check(page, "participant-voting")
            # A ballot giving two ideas the same rank is refused, and nothing typed is lost.
            page.set_viewport_size({"width": 390, "height": 844})
            page.get_by_label(re.compile(r"^1\.")).fill("1")
            page.get_by_label(re.compile(r"^2\.")).fill("1")
            page.get_by_role("button", name="Submit my vote").click()
            summary = page.locator(".nhsuk-error-summary")
            expect(summary).to_contain_text("Ideas 1 and 2 share rank 1")
            expect(page.get_by_label(re.compile(r"^1\."))).to_have_value("1")
            expect(page.get_by_label(re.compile(r"^2\."))).to_have_value("1")
            check(page, "participant-ballot-refused")
            page.get_by_label(re.compile(r"^2\.")).fill("")
            page.set_viewport_size({"width": 1280, "height": 720})
        for prefix, rank in ballot.items():
            page.get_by_label(re.compile("^" + re.escape(prefix))).fill(rank)
        page.get_by_role("button", name="Submit my vote").click()
        expect(page.get_by_text("Your vote is saved")).to_be_visible()
    expect(fac.get_by_text("3 of 3", exact=True)).to_be_visible(timeout=10_000)
    assert "Ranking of ideas" not in people[0].content()
    expect(room.get_by_text("3 of 3", exact=True)).to_be_visible(timeout=10_000)
    assert "Ranking of ideas" not in room.content()
    check(fac, "console-voting")

    # Results: the moment voting closes, the same ranking everywhere.
    next_phase("Close voting and show results")
    rankings = []
    for page in [*people, fac, room]:
        table = page.locator("table.allied-results")
        expect(table).to_be_visible(timeout=10_000)
        rankings.append(table.inner_text())
    assert len(set(rankings)) == 1
    # Top-5 points: idea 3 = 5 + 4 + 5 = 14; idea 1 = 4 + 3 = 7; idea 2 = 3 + 5 = 8; idea 4 = 4.
    first_row = people[0].locator("table.allied-results tbody tr").first.inner_text()
    assert "Talking about racism only if the mentee wants to" in first_row and "14" in first_row
    check(people[2], "participant-results")
    check(room, "room-results")
    # On a 390 px phone the ranking fits: no column spills past the screen.
    people[2].set_viewport_size({"width": 390, "height": 844})
    expect(people[2].locator("table.allied-results")).to_be_visible()
    assert people[2].evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(people[2], "participant-results-phone")

    # Final discussion: face validity recorded; everyone sees it.
    next_phase()
    fac.get_by_label("Yes").check()
    fac.get_by_label("Why").fill("It matched what the group had said")
    fac.get_by_role("button", name="Record the group's judgement").click()
    expect(people[0].get_by_text("It matched what the group had said")).to_be_visible(
        timeout=10_000
    )
    check(fac, "console-discussion")

    fac.get_by_role("link", name="Results and exports").click()
    expect(fac.get_by_role("heading", name=re.compile("Results:"))).to_be_visible()
    check(fac, "results")

    # Once the workshop has finished, a participant on a phone sees only that it has, and
    # its code answers a stranger as an unknown code does.
    Workshop.objects.filter(join_code=code.upper()).update(status=Workshop.Status.FINISHED)
    people[1].set_viewport_size({"width": 360, "height": 740})
    people[1].reload()
    expect(people[1].get_by_role("heading", name="The workshop has finished")).to_be_visible()
    assert "Your private ideas" not in people[1].content()
    check(people[1], "participant-finished")
    stranger = new_page()
    stranger.goto(f"{live_server.url}/join/")
    stranger.get_by_label("Join code").fill(code)
    stranger.get_by_role("button", name="Continue").click()
    expect(stranger.locator("#id_code-error")).to_contain_text(
        "There is no workshop with that code"
    )

    assert problems == {}, problems
