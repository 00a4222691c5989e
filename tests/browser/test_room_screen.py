"""The screen for the room on a 1280 x 720 projector: a question's eight ideas, and then its
ranking, fit without anyone scrolling it in front of the group; the facilitator's one-off
messages stay on the facilitator's screen; it passes axe."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allied.workshops import actions
from allied.workshops.models import Question, StaffRole, Workshop, WorkshopStaff
from tests.browser.conftest import axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Ideas of the length the study's groups wrote.
IDEAS = [
    "A mentor who understands the barriers black and minoritised staff face",
    "Sponsorship: someone senior who puts my name forward for opportunities",
    "Protected time for mentoring that managers respect",
    "Being able to talk about racism without it harming my career",
    "Choosing a mentor who shares some of my background, if I want to",
    "Mentoring circles where I can learn from peers as well as a mentor",
    "Allies who challenge bias when they see it, not only when asked",
    "Clear goals for the relationship that I set, not my mentor",
]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")


def test_the_room_screen_fits_a_projector_and_keeps_the_facilitators_messages(
    live_server, new_page, org, fay
):
    workshop = Workshop.objects.create(organisation=org, title="What matters", created_by=fay)
    question = Question.objects.create(
        workshop=workshop, order=1, text="What do you consider is important in mentoring?", k=5
    )
    WorkshopStaff.objects.create(workshop=workshop, user=fay, role=StaffRole.LEAD)
    people = [
        actions.participant_consent(workshop=workshop, participant=None, session_token=f"t{n}")
        for n in range(5)
    ]
    actions.workshop_start(workshop=workshop, by=fay)
    for phase in ("silent", "round_robin"):
        question = actions.phase_move(question=question, to_phase=phase, by=fay)
    for number, text in enumerate(IDEAS):
        actions.turn_take(
            question=question,
            participant=people[number % 5],
            client_id=uuid.uuid4(),
            text=text,
        )

    room = signed_in(new_page(), live_server, fay)
    room.set_viewport_size({"width": 1280, "height": 720})
    room.goto(live_server.url + reverse("workshops:present", args=[workshop.pk]))
    for text in IDEAS:
        expect(room.get_by_text(text)).to_be_visible()
    assert fits(room)
    assert axe_violations(room) == []

    for phase in ("clarification", "voting"):
        question = actions.phase_move(question=question, to_phase=phase, by=fay)
    ideas = list(question.ideas.order_by("number"))
    for number, person in enumerate(people):
        chosen = ideas[number:] + ideas[:number]
        actions.ballot_submit(
            question=question,
            participant=person,
            client_id=uuid.uuid4(),
            values={idea: rank for rank, idea in enumerate(chosen[:5], start=1)},
        )

    # The facilitator closes the vote from their own screen, in the same browser session.
    console = room.context.new_page()
    console.goto(live_server.url + reverse("workshops:run", args=[workshop.pk]))
    console.get_by_role("button", name="Close voting and show results").click()
    expect(console.get_by_text("Now: results.")).to_be_visible()

    expect(room.locator("table.allied-results")).to_be_visible(timeout=15_000)
    expect(room.locator("table.allied-results tbody tr")).to_have_count(8)
    assert fits(room)
    assert room.get_by_text("Now: results.").count() == 0
    assert axe_violations(room) == []
