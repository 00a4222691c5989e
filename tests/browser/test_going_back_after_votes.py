"""Defect 1 of the live-workshop issue, in browsers: the facilitator goes back from voting
after someone on a phone has voted. The console asks them to confirm; confirmed, the vote is
set aside (kept in the record, never counted), the facilitator merges two ideas, voting opens
again, and the voter's page asks them to vote again with their earlier choices filled in.
Every page visited passes axe-core with no serious or critical violations."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allied.workshops import actions
from allied.workshops.models import (
    Ballot,
    Participant,
    Question,
    SetAsideBallot,
    StaffRole,
    Workshop,
    WorkshopStaff,
)
from tests.browser.conftest import axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDEAS = ["Protected time for mentoring", "Time set aside to meet", "A sponsor who opens doors"]


def test_going_back_after_a_vote_asks_first_and_the_voter_is_asked_to_vote_again(
    live_server, new_page, org, fay
):
    workshop = Workshop.objects.create(
        organisation=org, title="What matters", created_by=fay, shuffle_ballots=False
    )
    question = Question.objects.create(
        workshop=workshop, order=1, text="What is important in mentoring?", k=3
    )
    WorkshopStaff.objects.create(workshop=workshop, user=fay, role=StaffRole.LEAD)

    # P1 joins on a phone before the workshop starts.
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(live_server.url + reverse("workshops:join_code", args=[workshop.join_code]))
    phone.get_by_label("I have read the statement above and agree to take part").check()
    phone.get_by_role("button", name="Join the workshop").click()
    phone.get_by_role("button", name="Skip these questions").click()
    expect(phone.get_by_role("heading", name="You are P1")).to_be_visible()
    p1 = Participant.objects.get(workshop=workshop)

    # The question reaches voting with three ideas (the same actions the console uses).
    actions.workshop_start(workshop=workshop, by=fay)
    for phase in ("silent", "round_robin"):
        question = actions.phase_move(question=question, to_phase=phase, by=fay)
    for text in IDEAS:
        actions.turn_take(question=question, participant=p1, client_id=uuid.uuid4(), text=text)
    for phase in ("clarification", "voting"):
        question = actions.phase_move(question=question, to_phase=phase, by=fay)

    # P1 ranks idea 2 first and idea 3 second; the page says the vote is saved.
    expect(phone.get_by_role("heading", name="Your vote")).to_be_visible(timeout=15_000)
    phone.get_by_label(re.compile(r"^2\.")).fill("1")
    phone.get_by_label(re.compile(r"^3\.")).fill("2")
    phone.get_by_role("button", name="Submit my vote").click()
    expect(phone.get_by_text("Your vote is saved")).to_be_visible()

    # Going back without confirming is refused, and says why.
    console = signed_in(new_page(), live_server, fay)
    console.goto(live_server.url + reverse("workshops:run", args=[workshop.pk]))
    console.get_by_role("button", name="Back a phase").click()
    expect(console.get_by_text("1 person has voted in this round")).to_be_visible()
    assert Ballot.objects.filter(question=question).count() == 1
    assert axe_violations(console) == []

    # Confirmed: the vote is set aside, and the console is in clarification.
    console.get_by_label(
        "If anyone has voted, set their votes aside and ask them to vote again"
    ).check()
    console.get_by_role("button", name="Back a phase").click()
    expect(console.get_by_role("heading", name="Clarify, merge and group ideas")).to_be_visible()
    assert Ballot.objects.filter(question=question).count() == 0
    assert SetAsideBallot.objects.filter(question=question, participant=p1).count() == 1

    # The facilitator merges idea 2 into idea 1, with the group's agreement.
    console.get_by_label("Keep this idea").select_option(label="1. Protected time for mentoring")
    console.locator("label", has_text="2. Time set aside to meet").first.click()
    console.get_by_label("How the group agreed").fill("All agreed these say the same thing")
    console.get_by_role("button", name="Merge").click()
    expect(console.get_by_text("Merged into idea 1.")).to_be_visible()
    assert axe_violations(console) == []
    console.get_by_role("button", name="Next phase").click()
    expect(console.get_by_role("button", name="Close voting and show results")).to_be_visible()

    # P1's page moves to the new ballot by itself and asks them to vote again, with the
    # choice for the idea still on the ballot filled in: idea 3, second before, is first now
    # that idea 2 has gone, so the ballot can be sent as it stands.
    expect(phone.get_by_text("Please vote again")).to_be_visible(timeout=15_000)
    expect(phone.get_by_label(re.compile(r"^3\."))).to_have_value("1")
    assert phone.get_by_label(re.compile(r"^2\.")).count() == 0
    assert axe_violations(phone) == []
    phone.get_by_label(re.compile(r"^1\.")).fill("2")
    phone.get_by_role("button", name="Submit my vote").click()
    expect(phone.get_by_text("Your vote is saved")).to_be_visible()

    # Closing the vote counts the new ballot only, on every screen.
    console.get_by_role("button", name="Close voting and show results").click()
    for page in (console, phone):
        first = page.locator("table.allied-results tbody tr").first
        expect(first).to_contain_text("A sponsor who opens doors", timeout=15_000)
    assert axe_violations(phone) == []
