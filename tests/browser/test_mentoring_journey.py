"""A whole mentoring cohort in a real browser, as its people would go through it.

The coordinator sets up a programme and a cohort and adds a mentee and a mentor; each of them
finds "complete your intake" on their dashboard and completes it; the coordinator runs
matching and publishes; both sign the agreement; the mentor arranges a meeting and records it;
the mentee sets a goal; the mentor records a sponsorship action and the mentee confirms it; the
mentee submits the end review. Every page anyone sees passes axe-core with no serious or
critical violations, and nobody ever sees the other person's ethnicity or gender.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from allied.accounts.models import Membership, Organisation, Role, User
from allied.core.matching import vocabulary as v
from allied.programmes.models import (
    Participant,
    Relationship,
    Review,
    SpecialCategory,
    SponsorshipAction,
)
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD, sign_in

SCREENSHOTS = os.environ.get("ALLIED_SCREENSHOTS")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Person:
    """One person's browser: signed in by a session cookie (the sign-in pages themselves are
    walked through by test_newcomer_signs_in.py), checking every page it lands on."""

    def __init__(self, new_page, live_server, user, found: dict):
        self.page = new_page()
        self.base = live_server.url
        self.name = user.full_name.split()[0]
        self.found = found
        client = sign_in(Client(), user)
        self.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.base,
                }
            ]
        )

    def check(self, label: str) -> None:
        self.page.wait_for_load_state()
        key = f"{self.name}: {label}"
        self.found[key] = axe_violations(self.page)
        if SCREENSHOTS:
            self.page.screenshot(
                path=f"{SCREENSHOTS}/{len(self.found):02d}-{key.replace(' ', '-')}.png",
                full_page=True,
            )

    def go(self, path: str, label: str) -> None:
        self.page.goto(self.base + path)
        self.check(label)

    def click(self, role: str, name: str, label: str, *, exact: bool = False) -> None:
        """Follows a link or sends a form, and checks the page that comes (a click returns
        before the next page does: without the wait, the check could read the old one)."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).first.click()
        self.check(label)

    def fill(self, data: dict) -> None:
        """Fills fields by name, whatever their control: text, select, radios, checkboxes."""
        page = self.page
        for name, value in data.items():
            control = page.locator(f'[name="{name}"]').first
            tag, kind = control.evaluate("e => [e.tagName.toLowerCase(), e.type || '']")
            if tag == "select":
                control.select_option(value)
            elif kind == "radio":
                page.locator(f'[name="{name}"][value="{value}"]').check(force=True)
            elif kind == "checkbox":
                values = value if isinstance(value, list) else [value]
                boxes = page.locator(f'[name="{name}"]')
                for i in range(boxes.count()):
                    box = boxes.nth(i)
                    wanted = box.get_attribute("value") in values or values == ["on"]
                    box.set_checked(wanted, force=True)
            else:
                control.fill(value)

    def sees(self, text: str) -> bool:
        return text in self.page.content()


MENTEE_INTAKE = {
    "about": {
        "profession": "occupational_therapist",
        "band": "band_5",
        "work_setting": "nhs",
        "region": "london",
        "career_goals": ["promotion"],
        "meeting_mode": "online",
        "availability": ["weekday_lunchtimes"],
    },
    "you": {
        "values": ["honesty", "kindness"],
        "working_style": ["reflective"],
        "openness_1": "4",
        "openness_2": "2",
        "conscientiousness_1": "5",
        "conscientiousness_2": "3",
    },
    "needs": {
        "needs_need": ["career_direction", "sponsorship"],
        "text_need": "Confidence to apply for a band 6 role",
    },
    "preferences": {
        "profession_kind": "same",
        "profession_strength": "important",
        **{
            f"{a}_kind": "none"
            for a in (
                "band",
                "work_setting",
                "region",
                "gender",
                "ethnic_group",
                "languages",
                "meeting_mode",
            )
        },
    },
    "equality": {
        "ethnic_group": "black_african",
        "gender": "woman",
        "monitoring_consent": "on",
        "matching_consent": "on",
    },
    "race": {"race_conversation": "yes", "race_raised_by": "either"},
}

MENTOR_INTAKE = {
    **MENTEE_INTAKE,
    "about": {**MENTEE_INTAKE["about"], "band": "band_7"},
    "equality": {"ethnic_group": "white_irish", "gender": "man", "monitoring_consent": "on"},
    "race": {"race_comfort": "willing"},
}
del MENTOR_INTAKE["needs"]
MENTOR_INTAKE = {
    "about": MENTOR_INTAKE["about"],
    "you": MENTOR_INTAKE["you"],
    "offer": {"offers": ["career_direction", "sponsorship", "networking"], "capacity": "2"},
    "preferences": MENTOR_INTAKE["preferences"],
    "equality": MENTOR_INTAKE["equality"],
    "race": MENTOR_INTAKE["race"],
}


def complete_intake(person: Person, answers: dict) -> None:
    """From the dashboard, through every section in order ("Save and continue" leads from
    one to the next), to "Check your answers" and submitting."""
    person.go("/", "dashboard before intake")
    person.click("link", "Complete your intake", "intake task list")
    first = next(iter(answers))
    person.page.locator(f'a[href$="/intake/{first}/"]').first.click()
    for step, data in answers.items():
        assert person.page.url.endswith(f"/intake/{step}/"), (step, person.page.url)
        person.check(f"intake {step}")
        person.fill(data)
        person.page.get_by_role("button", name="Save and continue").click()
        person.page.wait_for_load_state()
        assert not person.page.locator(".nhsuk-error-summary").count(), (step, person.page.url)
    assert person.page.url.endswith("/intake/check/"), person.page.url
    person.check("intake check")
    person.click("button", "Submit my intake", "intake submitted")


def test_a_cohort_runs_from_intake_to_end_review_in_the_browser(live_server, new_page):
    organisation = Organisation.objects.create(name="Alder Valley NHS Trust", slug="alder")

    def person(email, name, role):
        user = User.objects.create_user(email, PASSWORD, full_name=name)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        if role == Role.COORDINATOR:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
        return user

    carol = person("carol@alder.example", "Carol Coordinator", Role.COORDINATOR)
    mia = person("mia@alder.example", "Mia Mentee", Role.MENTEE)
    max_ = person("max@alder.example", "Max Mentor", Role.MENTOR)
    found: dict = {}
    coordinator = Person(new_page, live_server, carol, found)
    mentee = Person(new_page, live_server, mia, found)
    mentor = Person(new_page, live_server, max_, found)

    # The coordinator sets up the programme and the cohort, and adds the two of them.
    coordinator.go("/", "dashboard")
    coordinator.click("link", "Mentoring", "programmes")
    coordinator.click("button", "Create a programme", "create a programme")
    coordinator.click("button", "Create programme", "create with errors")
    expect(coordinator.page.locator(".nhsuk-error-summary")).to_be_visible()
    coordinator.fill(
        {
            "name": "Allied health mentoring",
            "relationship_months": "12",
            "meeting_every_weeks": "4",
            "matching_mode": "coordinator",
            "shortlist_size": "3",
        }
    )
    coordinator.click("button", "Create programme", "programme")
    coordinator.click("button", "Add a cohort", "add a cohort")
    today = timezone.localdate()
    coordinator.fill(
        {
            "name": "Spring cohort",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(),
        }
    )
    coordinator.click("button", "Add cohort", "cohort")
    boxes = coordinator.page.locator('input[name="people"]')
    for i in range(boxes.count()):
        boxes.nth(i).check(force=True)
    coordinator.click("button", "Add to the cohort", "cohort with people")
    assert coordinator.sees("Mia Mentee") and coordinator.sees("Max Mentor")

    # Each of them finds their intake on their dashboard and completes it.
    complete_intake(mentee, MENTEE_INTAKE)
    complete_intake(mentor, MENTOR_INTAKE)
    assert set(Participant.objects.values_list("status", flat=True)) == {"ready"}
    assert SpecialCategory.objects.get(participant__user=mia).matching_consent

    # The coordinator runs matching from the dashboard and publishes.
    coordinator.go("/", "dashboard with mentees ready")
    coordinator.click("link", "ready and not yet matched", "matching")
    coordinator.click("button", "Run matching", "matching proposals")
    assert coordinator.sees("Mia Mentee") and coordinator.sees("Max Mentor")
    coordinator.click("button", "Publish", "matching published")
    relationship = Relationship.objects.get()
    assert relationship.status == Relationship.Status.ACTIVE

    # Both sign the agreement, starting from their dashboards.
    mentee.go("/", "mentee dashboard after matching")
    mentee.click("link", "Agree your expectations with Max Mentor", "relationship")
    for text in (v.label(v.ETHNIC_GROUPS, "white_irish"), "Man"):
        assert text not in mentee.page.inner_text("main"), text
    mentee.click("link", "Agree your expectations", "agreement")
    mentee.click("link", "Change the agreement", "agreement edit")
    mentee.fill({"mentee_expectations": "Honest feedback on my applications."})
    mentee.click("button", "Save the agreement", "agreement saved")
    mentee.page.locator('[name="scope_understood"]').check(force=True)
    mentee.click("button", "Sign version", "agreement signed by the mentee")
    mentor.go("/", "mentor dashboard")
    mentor.click("link", "Agree your expectations with Mia Mentee", "mentor relationship")
    for text in (v.label(v.ETHNIC_GROUPS, "black_african"), "Woman"):
        assert text not in mentor.page.inner_text("main"), text
    mentor.click("link", "Agree your expectations", "mentor agreement", exact=True)
    if mentor.page.locator('[name="scope_understood"]').count():
        mentor.page.locator('[name="scope_understood"]').check(force=True)
    mentor.click("button", "Sign version", "agreement signed by both")
    relationship.agreement.refresh_from_db()
    assert relationship.agreement.signed_by_both

    # The mentor arranges a meeting (yesterday's, as if logged late) and records it.
    mentor.go("/", "mentor dashboard after signing")
    mentor.click("link", "Arrange your next meeting with Mia Mentee", "relationship after signing")
    mentor.click("link", "Arrange a meeting", "arrange a meeting")
    yesterday = today - timedelta(days=1)
    mentor.fill({"day": yesterday.isoformat(), "time": "12:30", "mode": "online"})
    mentor.click("button", "Arrange the meeting", "meeting")
    mentor.click("button", "Record that this meeting happened", "meeting held")
    assert relationship.meetings.get().status == "held"

    # The mentee sets a goal; the mentor records sponsorship; the mentee confirms it.
    mentee.go(f"/relationships/{relationship.pk}/", "relationship with a meeting")
    mentee.click("link", "Add a goal", "add a goal")
    mentee.fill({"title": "Apply for a band 6 role"})
    mentee.click("button", "Add the goal", "goal")
    mentor.go(f"/relationships/{relationship.pk}/", "mentor relationship with a goal")
    mentor.click("link", "Record a sponsorship action", "record sponsorship")
    mentor.fill(
        {
            "kind": "introduction",
            "happened_on": today.isoformat(),
            "description": "Introduced Mia to the regional AHP leadership network.",
        }
    )
    mentor.click("button", "Record it", "sponsorship recorded")
    mentee.go("/", "mentee dashboard with sponsorship to confirm")
    mentee.click("link", "sponsorship action", "relationship with sponsorship")
    mentee.click("button", "Confirm this happened", "sponsorship confirmed")
    assert SponsorshipAction.objects.get().confirmed_at is not None

    # Months pass: the end review opens 28 days before its date.
    relationship.agreement.__class__.objects.filter(pk=relationship.agreement.pk).update(
        end_review_on=today + timedelta(days=7)
    )
    mentee.go(f"/relationships/{relationship.pk}/reviews/end/", "end review")
    mentee.fill(
        {
            "satisfaction": "5",
            "trust": "5",
            "psychological_safety": "4",
            "expectations_met": "yes",
            "allyship": "5",
            "career_change": "I applied for a band 6 role.",
        }
    )
    mentee.click("button", "Send your review", "review sent")
    assert Review.objects.filter(stage="end", side="mentee").exists()

    # Where each of them would go to leave (not followed).
    place = Participant.objects.get(user=mia)
    mentee.go(f"/places/{place.pk}/leave/", "leave the programme")
    coordinator.go(f"/cohorts/{place.cohort_id}/people/{place.pk}/", "a person's intake")
    assert coordinator.sees("Withdraw Mia Mentee")

    assert {name: found for name, found in found.items() if found} == {}
