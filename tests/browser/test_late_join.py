"""Someone who joins on a phone after silent generation has begun waits; the facilitator
lets them in from the console, and their page moves on by itself. The waiting page and the
console pass axe-core with no serious or critical violations."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allied.workshops import actions
from allied.workshops.models import Admission, Question, StaffRole, Workshop, WorkshopStaff
from tests.browser.conftest import axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_late_joiner_waits_until_the_facilitator_lets_them_in(live_server, new_page, org, fay):
    workshop = Workshop.objects.create(organisation=org, title="What matters", created_by=fay)
    question = Question.objects.create(
        workshop=workshop, order=1, text="What is important in mentoring?", k=3
    )
    WorkshopStaff.objects.create(workshop=workshop, user=fay, role=StaffRole.LEAD)
    actions.workshop_start(workshop=workshop, by=fay)
    actions.phase_move(question=question, to_phase="silent", by=fay)

    # A late joiner, on a phone, joins by the code and is asked to wait.
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(live_server.url + reverse("workshops:join_code", args=[workshop.join_code]))
    expect(phone.get_by_text("This workshop has already begun")).to_be_visible()
    phone.get_by_label("I have read the statement above and agree to take part").check()
    phone.get_by_role("button", name="Join the workshop").click()
    phone.get_by_role("button", name="Skip these questions").click()
    expect(phone.get_by_role("heading", name="You are P1")).to_be_visible()
    expect(phone.get_by_text("the facilitator decides whether to let you in")).to_be_visible()
    assert phone.get_by_label("A new idea").count() == 0
    assert axe_violations(phone) == []

    # The facilitator sees who is waiting, and lets them in.
    console = signed_in(new_page(), live_server, fay)
    console.goto(live_server.url + reverse("workshops:run", args=[workshop.pk]))
    expect(console.get_by_role("heading", name="Waiting to join (1)")).to_be_visible()
    assert axe_violations(console) == []
    console.get_by_role("button", name="Let in P1").click()
    expect(console.get_by_text("P1 has been let in.")).to_be_visible()
    expect(console.get_by_role("heading", name="Waiting to join (1)")).to_have_count(0)

    # The joiner's page moves on by itself to silent generation.
    expect(phone.get_by_label("A new idea")).to_be_visible(timeout=15_000)
    expect(phone.get_by_role("button", name="I'm done")).to_be_visible()
    participant = workshop.participants.get()
    assert participant.admission == Admission.ADMITTED
    assert axe_violations(phone) == []
