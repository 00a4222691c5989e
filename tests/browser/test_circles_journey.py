"""Mentoring circles in a real browser: the coordinator forms and publishes circles for a
cohort, arranges a session at a time one member already has a one-to-one meeting (and is
warned, with a count only), and that member sees the clash on their commitments and their
circle's page. Every page passes axe-core with no serious or critical violations."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from allied.accounts.models import Membership, Organisation, Role, User
from allied.circles.models import Circle, CircleSession
from allied.programmes.models import Cohort, Meeting, Participant, Programme, Relationship
from tests.browser.test_mentoring_journey import Person
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFESSIONS = ["physiotherapist", "occupational_therapist", "dietitian", "radiographer"]


def test_a_coordinator_forms_circles_and_a_member_sees_a_clash(live_server, new_page):
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
    programme = Programme.objects.create(organisation=organisation, name="Alder mentoring")
    programme.coordinators.add(carol)
    cohort = Cohort.objects.create(
        programme=programme,
        name="Spring cohort",
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
        status=Cohort.Status.RUNNING,
    )
    users = [mia] + [
        person(f"m{i}@alder.example", f"Mentee {i:02d}", Role.MENTEE) for i in range(9)
    ]
    places = [
        Participant.objects.create(
            cohort=cohort,
            user=user,
            side="mentee",
            status=Participant.Status.READY,
            profession=PROFESSIONS[i % 4],
            band="band_5" if i % 2 else "band_6",
            availability=["weekday_lunchtimes"],
            meeting_mode="online",
        )
        for i, user in enumerate(users)
    ]
    mentor = Participant.objects.create(
        cohort=cohort, user=max_, side="mentor", status=Participant.Status.READY
    )
    relationship = Relationship.objects.create(
        cohort=cohort,
        mentee=places[0],
        mentor=mentor,
        status=Relationship.Status.ACTIVE,
        source=Relationship.Source.COORDINATOR,
        started_at=timezone.now() - timedelta(days=10),
    )
    day = timezone.localdate() + timedelta(days=8)
    Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.make_aware(datetime.combine(day, time(12, 30))),
        duration_minutes=60,
    )

    found: dict = {}
    coordinator = Person(new_page, live_server, carol, found)
    coordinator.go(f"/cohorts/{cohort.pk}/circles/", "circles before forming")
    coordinator.click("button", "Form circles", "draft circles")
    assert coordinator.sees("Draft circles") and coordinator.sees("Quality")
    coordinator.click("button", "Publish the circles", "circles published")
    assert coordinator.sees("published")

    # A mentee who completes their intake late joins a published circle.
    late = Participant.objects.create(
        cohort=cohort,
        user=person("late@alder.example", "Lara Late", Role.MENTEE),
        side="mentee",
        status=Participant.Status.READY,
    )
    coordinator.go(f"/cohorts/{cohort.pk}/circles/", "circles with a late joiner")
    assert coordinator.sees("Not in a circle")
    coordinator.click("button", "Add to Circle 1", "late joiner added")
    assert late.circle_memberships.get().joined_reason == "joined_late"

    circle = Circle.objects.get(memberships__participant=places[0])
    assert circle.status == Circle.Status.PUBLISHED
    coordinator.go(f"/circles/{circle.pk}/", "circle as coordinator")
    coordinator.click("link", "Arrange a session", "arrange a session")
    coordinator.fill(
        {"day": day.isoformat(), "time": "12:00", "duration_minutes": "60", "mode": "online"}
    )
    coordinator.click("button", "Arrange the session", "session clash warning")
    # Mia has that meeting with Max; Max clashes too when the engine chose him to facilitate
    # Mia's circle (which circle he gets depends on the database's ids, so both are allowed).
    circle.refresh_from_db()
    clashing = "2 people" if circle.facilitator_id == mentor.pk else "1 person"
    assert coordinator.sees(f"This time clashes for {clashing}"), coordinator.page.inner_text(
        "main"
    )
    assert not CircleSession.objects.exists()
    coordinator.fill({"schedule_anyway": "on"})
    coordinator.click("button", "Arrange the session", "session arranged")
    assert CircleSession.objects.filter(circle=circle).count() == 1
    coordinator.go(f"/cohorts/{cohort.pk}/circles/at-risk/", "at risk")
    assert coordinator.sees("Mia Mentee")  # her circle session clashes with her meeting

    member = Person(new_page, live_server, mia, found)
    member.go("/mentoring/commitments/", "commitments with a clash")
    assert member.sees("1 clash in your commitments")
    assert member.sees("One-to-one mentoring meeting") and member.sees(f"{circle.name} session")
    member.click("link", circle.name, "member's circle", exact=True)
    assert member.sees("clash in your commitments")
    member.click("link", "Change the ground rules and goals", "ground rules")
    member.fill({"ground_rules": "What is said in the circle stays in the circle."})
    member.click("button", "Save", "circle after ground rules", exact=True)
    assert member.sees("stays in the circle")
    member.page.locator('a[href^="/circle-sessions/"]').first.click()
    member.check("session as member")
    assert member.sees("What can help me?")

    assert {name: issues for name, issues in found.items() if issues} == {}
