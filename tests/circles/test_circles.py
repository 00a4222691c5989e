"""Mentoring circles: forming, reviewing, moving, publishing, membership history, sessions,
notes, check-ins, clashes with one-to-one meetings, and who is at risk of dropping one of the
two. Uses the shared `world` (Mia is in a published circle facilitated by Max)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from allied.accounts.models import Role
from allied.circles import actions
from allied.circles.models import (
    Attendance,
    CheckIn,
    Circle,
    CircleMembership,
    CircleSession,
)
from allied.mentoring import ics
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, Meeting, Participant
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PROFESSIONS = ["physiotherapist", "occupational_therapist", "dietitian", "radiographer"]
BANDS = ["band_5", "band_6", "band_7"]
SLOTS = ["weekday_evenings", "weekday_lunchtimes"]


@pytest.fixture
def autumn(world, make_person):
    """A second cohort of the own programme: 12 mentees with complete intakes, one still in
    intake, and a mentor who could facilitate."""
    cohort = Cohort.objects.create(
        programme=world["programme_own"],
        name="Autumn cohort",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 8, 31),
    )
    places = []
    for i in range(12):
        user = make_person(f"m{i}@alder.example", f"Mentee {i:02d}", world["own"], Role.MENTEE)
        places.append(
            Participant.objects.create(
                cohort=cohort,
                user=user,
                side="mentee",
                status=Participant.Status.READY,
                profession=PROFESSIONS[i % 4],
                band=BANDS[i % 3],
                work_setting="acute" if i % 2 else "community",
                region="london",
                availability=[SLOTS[i % 2]],
                meeting_mode="online",
            )
        )
    late = make_person("late@alder.example", "Late Mentee", world["own"], Role.MENTEE)
    waiting = Participant.objects.create(cohort=cohort, user=late, side="mentee")
    mentor = Participant.objects.create(
        cohort=cohort,
        user=world["max_mentor"],
        side="mentor",
        status=Participant.Status.READY,
    )
    return {"cohort": cohort, "places": places, "waiting": waiting, "mentor": mentor}


def form_page(client, world, cohort, **data):
    sign_in(client, world["carol"])
    body = {"min_size": 5, "max_size": 8, "seed": 3, "availability_weight": 2, **data}
    return client.post(reverse("circles:form", args=[cohort.pk]), body)


# Forming ------------------------------------------------------------------------------------


def test_the_coordinator_forms_draft_circles_of_the_complete_intakes_only(client, world, autumn):
    response = form_page(client, world, autumn["cohort"])
    assert response.status_code == 302
    circles = list(Circle.objects.filter(cohort=autumn["cohort"]))
    assert len(circles) == 2
    assert all(c.status == Circle.Status.DRAFT for c in circles)
    sizes = sorted(c.current_members().count() for c in circles)
    assert sum(sizes) == 12 and all(5 <= s <= 8 for s in sizes)
    placed = set(
        CircleMembership.objects.filter(cohort=autumn["cohort"]).values_list(
            "participant", flat=True
        )
    )
    assert autumn["waiting"].pk not in placed
    page = client.get(reverse("circles:cohort", args=[autumn["cohort"].pk])).content.decode()
    assert "Quality" in page and "random split" in page
    assert "Physiotherapist" in page  # the mix of each circle, in words
    assert "Publish the circles" in page
    # Members cannot see a draft.
    sign_in(client, autumn["places"][0].user)
    assert client.get(reverse("circles:detail", args=[circles[0].pk])).status_code == 404


def test_the_summary_counts_those_who_meet_either_way_as_sharing_the_mode(client, world, autumn):
    # Issue 18: a member who meets either way can meet online with everyone else. Three of
    # twelve cannot make a circle of 5 to 8 on their own, so some circle mixes them.
    Participant.objects.filter(pk__in=[p.pk for p in autumn["places"][:3]]).update(
        meeting_mode="either"
    )
    form_page(client, world, autumn["cohort"])
    page = client.get(reverse("circles:cohort", args=[autumn["cohort"].pk])).content.decode()
    sizes = [c.current_members().count() for c in Circle.objects.filter(cohort=autumn["cohort"])]
    for size in sizes:
        assert f"Meeting mode: {size} of {size} share Online" in page
    assert "share Either" not in page


def test_the_same_seed_gives_the_same_circles(client, world, autumn):
    def split():
        return sorted(
            tuple(sorted(c.current_members().values_list("participant", flat=True)))
            for c in Circle.objects.filter(cohort=autumn["cohort"])
        )

    form_page(client, world, autumn["cohort"], seed=11)
    first = split()
    form_page(client, world, autumn["cohort"], seed=11)
    assert split() == first
    assert Circle.objects.filter(cohort=autumn["cohort"]).count() == 2  # the draft was replaced


def test_circles_alike_in_availability_when_it_is_weighted(client, world, autumn):
    form_page(client, world, autumn["cohort"], availability_weight=5)
    for circle in Circle.objects.filter(cohort=autumn["cohort"]):
        slots = {tuple(m.participant.availability) for m in circle.current_members()}
        assert len(slots) == 1


def test_a_line_manager_and_their_report_are_kept_apart(client, world, autumn):
    manager, report = autumn["places"][0], autumn["places"][2]
    report.line_manager_email = manager.user.email.upper()
    report.save()
    for seed in (1, 2, 3):
        form_page(client, world, autumn["cohort"], seed=seed)
        mine = CircleMembership.objects.get(participant=manager, left_on__isnull=True).circle_id
        theirs = CircleMembership.objects.get(participant=report, left_on__isnull=True).circle_id
        assert mine != theirs


def test_a_size_range_no_split_can_meet_is_refused_and_changes_nothing(client, world, autumn):
    form_page(client, world, autumn["cohort"])
    before = set(Circle.objects.values_list("pk", flat=True))
    response = form_page(client, world, autumn["cohort"], min_size=13, max_size=20)
    assert response.status_code == 200
    assert "cannot be formed" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert set(Circle.objects.values_list("pk", flat=True)) == before


def test_malformed_form_input_is_a_form_error(client, world, autumn):
    for junk in ({"min_size": "five"}, {"min_size": 9, "max_size": 6}, {"seed": "-1"}):
        response = form_page(client, world, autumn["cohort"], **junk)
        assert response.status_code == 200
        assert "Error: " in response.content.decode()
    assert not Circle.objects.filter(cohort=autumn["cohort"]).exists()


# Adjusting and publishing -------------------------------------------------------------------


def test_moving_in_a_draft_flags_a_circle_below_its_minimum(client, world, autumn):
    form_page(client, world, autumn["cohort"])
    small, big = sorted(
        Circle.objects.filter(cohort=autumn["cohort"]), key=lambda c: c.current_members().count()
    )
    while small.current_members().count() >= small.min_size:
        membership = small.current_members().first()
        response = client.post(reverse("circles:move", args=[membership.pk]), {"circle": big.pk})
        assert response.status_code == 302
    # A draft move places the member elsewhere without history.
    assert (
        not CircleMembership.objects.filter(left_on__isnull=False)
        .exclude(circle__cohort=world["cohort_own"])
        .exists()
    )
    review = actions.review(autumn["cohort"])
    flagged = {v.circle.pk: v.flags for v in review.circles}
    assert any("Below its minimum size" in f for f in flagged[small.pk])
    page = client.get(reverse("circles:cohort", args=[autumn["cohort"].pk])).content.decode()
    assert "Below its minimum size" in page


def test_publishing_emails_everyone_and_forming_again_is_refused(client, world, autumn):
    form_page(client, world, autumn["cohort"])
    first = Circle.objects.filter(cohort=autumn["cohort"]).first()
    client.post(
        reverse("circles:facilitator", args=[first.pk]), {"participant": autumn["mentor"].pk}
    )
    mail.outbox.clear()
    with _on_commit():
        response = client.post(reverse("circles:publish", args=[autumn["cohort"].pk]))
    assert response.status_code == 302
    assert set(Circle.objects.filter(cohort=autumn["cohort"]).values_list("status", flat=True)) == {
        "published"
    }
    recipients = {address for message in mail.outbox for address in message.to}
    assert {p.user.email for p in autumn["places"]} <= recipients
    assert world["max_mentor"].email in recipients
    response = form_page(client, world, autumn["cohort"])
    assert "already published" in response.content.decode()
    # A member now opens their circle, and sees names and professions.
    member = first.current_members().first().participant
    sign_in(client, member.user)
    page = client.get(reverse("circles:detail", args=[first.pk])).content.decode()
    assert member.user.full_name in page and "Max Mentor" in page


class _on_commit:
    """Runs on-commit callbacks inside a test transaction (emails go after the commit)."""

    def __enter__(self):
        from django.test import TestCase

        self.context = TestCase.captureOnCommitCallbacks(execute=True)
        return self.context.__enter__()

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


def test_membership_history_is_kept_when_people_move_leave_and_join_late(world, autumn):
    carol = world["carol"]
    actions.form(cohort=autumn["cohort"], by=carol, seed=1)
    actions.publish(cohort=autumn["cohort"], by=carol)
    one, two = Circle.objects.filter(cohort=autumn["cohort"])
    moving = one.current_members().first()
    actions.move(membership=moving, to=two, by=carol, note="Evenings suit better")
    moving.refresh_from_db()
    assert moving.left_on == timezone.localdate() and moving.left_reason == "moved"
    new = CircleMembership.objects.get(participant=moving.participant, left_on__isnull=True)
    assert new.circle == two and new.joined_reason == "moved"
    leaving = two.current_members().exclude(pk=new.pk).first()
    actions.leave(membership=leaving, by=carol)
    leaving.refresh_from_db()
    assert leaving.left_reason == "left" and leaving.circle == two
    # The late joiner completes their intake and joins.
    autumn["waiting"].status = Participant.Status.READY
    autumn["waiting"].save()
    joined = actions.add_member(circle=one, participant=autumn["waiting"], by=carol)
    assert joined.joined_reason == "joined_late"
    history = CircleMembership.objects.filter(participant=moving.participant).order_by("pk")
    assert [(m.circle_id, m.left_reason) for m in history] == [(one.pk, "moved"), (two.pk, "")]
    with pytest.raises(ProgrammeError, match="already in a circle"):
        actions.add_member(circle=two, participant=autumn["waiting"], by=carol)
    with pytest.raises(ProgrammeError, match="already left"):
        actions.leave(membership=leaving, by=carol)


def test_the_coordinator_sees_former_members_and_members_do_not(client, world, autumn):
    carol = world["carol"]
    actions.form(cohort=autumn["cohort"], by=carol, seed=1)
    actions.publish(cohort=autumn["cohort"], by=carol)
    one, two = Circle.objects.filter(cohort=autumn["cohort"])
    moving = one.current_members().first()
    actions.move(membership=moving, to=two, by=carol, note="Evenings suit better")
    sign_in(client, carol)
    page = client.get(reverse("circles:detail", args=[one.pk])).content.decode()
    assert "Former members" in page and "moved circle (Evenings suit better)" in page
    sign_in(client, one.current_members().first().participant.user)
    page = client.get(reverse("circles:detail", args=[one.pk])).content.decode()
    assert "Former members" not in page


def test_the_database_holds_one_current_circle_per_cohort(world):
    membership = world["circle_membership_own"]
    other = Circle.objects.create(cohort=membership.cohort, number=2, name="Circle 2")
    with pytest.raises(IntegrityError), transaction.atomic():
        CircleMembership.objects.create(
            cohort=membership.cohort, circle=other, participant=membership.participant
        )
    membership.left_on = timezone.localdate()
    membership.save()
    CircleMembership.objects.create(
        cohort=membership.cohort, circle=other, participant=membership.participant
    )


def test_a_facilitator_is_a_mentor_of_the_cohort_or_a_member(world, autumn):
    carol = world["carol"]
    actions.form(cohort=autumn["cohort"], by=carol, seed=1)
    one, two = Circle.objects.filter(cohort=autumn["cohort"])
    peer = one.current_members().first().participant
    actions.set_facilitator(circle=one, participant=peer, by=carol)
    with pytest.raises(ProgrammeError):
        actions.set_facilitator(circle=two, participant=peer, by=carol)
    with pytest.raises(ProgrammeError):  # a mentor of another cohort
        actions.set_facilitator(circle=two, participant=world["mentor_place_other"], by=carol)
    actions.set_facilitator(circle=two, participant=autumn["mentor"], by=carol)


# The circle's own pages ---------------------------------------------------------------------


def test_members_see_names_and_professions_never_ethnicity_or_gender(client, world):
    sign_in(client, world["mia"])
    page = client.get(reverse("circles:detail", args=[world["circle_own"].pk])).content.decode()
    assert "Mia" in page and "Occupational therapist" in page
    for secret in ("black_african", "Black African", "African", "woman", "Woman"):
        assert secret not in page


def test_ground_rules_and_goals_are_edited_by_members_and_refused_when_stale(client, world):
    circle = world["circle_own"]
    url = reverse("circles:agreement", args=[circle.pk])
    sign_in(client, world["mia"])
    client.post(url, {"ground_rules": "What is said here stays here.", "goals": "", "seen": ""})
    circle.refresh_from_db()
    assert circle.ground_rules == "What is said here stays here."
    assert circle.updated_by == world["mia"]
    # Someone editing the old version is told, and their change is not saved over it.
    response = client.post(url, {"ground_rules": "Overwrite", "goals": "", "seen": ""})
    assert "Someone else saved" in response.content.decode()
    circle.refresh_from_db()
    assert circle.ground_rules == "What is said here stays here."
    sign_in(client, world["carol"])
    client.post(url, {"ground_rules": "Kept", "goals": "Grow", "seen": actions.stamp(circle)})
    circle.refresh_from_db()
    assert (circle.ground_rules, circle.goals) == ("Kept", "Grow")


def _meeting_at(world, when, minutes=60, mode="online"):
    return Meeting.objects.create(
        relationship=world["relationship_own"],
        starts_at=when,
        duration_minutes=minutes,
        mode=mode,
        status=Meeting.Status.SCHEDULED,
    )


def _next_week_at(hour):
    day = timezone.localdate() + timedelta(days=9)
    return timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time().replace(hour=hour))
    )


def test_scheduling_a_clashing_session_warns_with_a_count_only(client, world):
    when = _next_week_at(14)
    _meeting_at(world, when)
    circle = world["circle_own"]
    sign_in(client, world["max_mentor"])  # the facilitator
    url = reverse("circles:session_new", args=[circle.pk])
    body = {
        "day": when.date().isoformat(),
        "time": "14:30",
        "duration_minutes": 60,
        "mode": "online",
        "location": "",
        "submission": "3f7c1a2e-0000-4000-8000-000000000001",
    }
    response = client.post(url, body)
    page = response.content.decode()
    assert response.status_code == 200
    # Mia (member) and Max (facilitator) share that meeting: two people, no details.
    assert "clashes for 2 people" in page
    assert "14:00" not in page
    assert CircleSession.objects.filter(circle=circle).count() == 1
    mail.outbox.clear()
    with _on_commit():
        response = client.post(url, {**body, "schedule_anyway": "on"})
    assert response.status_code == 302
    assert CircleSession.objects.filter(circle=circle).count() == 2
    assert mail.outbox and mail.outbox[0].attachments[0][0].endswith(".ics")
    # The same form again makes nothing more.
    client.post(url, {**body, "schedule_anyway": "on"})
    assert CircleSession.objects.filter(circle=circle).count() == 2
    # A time without a clash is arranged at once.
    client.post(url, {**body, "time": "17:00", "submission": ""})
    assert CircleSession.objects.filter(circle=circle).count() == 3


def test_a_member_cannot_schedule_sessions(client, world):
    sign_in(client, world["mia"])
    url = reverse("circles:session_new", args=[world["circle_own"].pk])
    assert client.get(url).status_code == 403


def test_the_commitments_page_and_circle_page_show_the_clash(client, world):
    when = _next_week_at(10)
    _meeting_at(world, when, mode="in_person")
    CircleSession.objects.create(
        circle=world["circle_own"], starts_at=when + timedelta(minutes=70), duration_minutes=60
    )
    sign_in(client, world["mia"])
    page = client.get(reverse("circles:commitments")).content.decode()
    assert "One-to-one mentoring meeting" in page and "Circle 1 session" in page
    assert "1 clash in your commitments" in page
    assert "allow time to travel" in page
    circle_page = client.get(reverse("circles:detail", args=[world["circle_own"].pk]))
    assert "clash in your commitments" in circle_page.content.decode()
    # Someone with no commitments sees an empty diary and no warning.
    sign_in(client, world["nora"])
    page = client.get(reverse("circles:commitments")).content.decode()
    assert "Nothing arranged yet" in page and "clash" not in page.lower()


def test_touching_online_commitments_are_not_a_clash(world):
    when = _next_week_at(10)
    _meeting_at(world, when)
    CircleSession.objects.create(
        circle=world["circle_own"], starts_at=when + timedelta(minutes=60), duration_minutes=60
    )
    entries, clashes = actions.commitments_of(world["mia"])
    assert clashes == [] and len(entries) == 3


def test_a_session_calendar_and_the_whole_schedule(client, world):
    circle = world["circle_own"]
    later = CircleSession.objects.create(
        circle=circle, starts_at=timezone.now() + timedelta(days=14), duration_minutes=60
    )
    sign_in(client, world["mia"])
    response = client.get(reverse("circles:session_ics", args=[later.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    properties = {n: value for n, _, value in ics.parse(response.content.decode())}
    assert properties["UID"] == f"{later.uid}@allied-circles"
    schedule = client.get(reverse("circles:schedule_ics", args=[circle.pk])).content.decode()
    names = [n for n, _, _ in ics.parse(schedule)]
    assert names.count("UID") == 2 and names[0] == "BEGIN" and names[-1] == "END"


def test_notes_are_the_circles_and_attendance_is_recorded_by_the_facilitator(client, world):
    session = world["circle_session_own"]
    session.starts_at = timezone.now() - timedelta(hours=2)
    session.save()
    sign_in(client, world["mia"])
    url = reverse("circles:session_notes", args=[session.pk])
    client.post(url, {"shared_notes": "What I need: time to apply."})
    session.refresh_from_db()
    assert session.shared_notes == "What I need: time to apply."
    page = client.get(reverse("circles:session", args=[session.pk])).content.decode()
    assert "What can help me?" in page
    sign_in(client, world["carol"])
    page = client.get(reverse("circles:session", args=[session.pk])).content.decode()
    assert "time to apply" not in page
    assert client.post(url, {"shared_notes": "x"}).status_code == 403
    sign_in(client, world["max_mentor"])
    mia_place = world["mentee_place_own"]
    client.post(
        reverse("circles:session_attendance", args=[session.pk]), {"attended": [mia_place.pk]}
    )
    session.refresh_from_db()
    assert session.status == "held"
    assert Attendance.objects.get(session=session, participant=mia_place).attended
    # Junk and strangers are refused, with nothing changed.
    response = client.post(
        reverse("circles:session_attendance", args=[session.pk]), {"attended": ["abc"]}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("circles:session_attendance", args=[session.pk]), {"attended": ["999999"]}
    )
    assert Attendance.objects.get(session=session, participant=mia_place).attended


def test_check_ins_are_private_unless_shared(client, world, make_person):
    circle = world["circle_own"]
    peer_user = make_person("pia@alder.example", "Pia Peer", world["own"], Role.MENTEE)
    peer = Participant.objects.create(
        cohort=circle.cohort, user=peer_user, side="mentee", status="ready"
    )
    CircleMembership.objects.create(cohort=circle.cohort, circle=circle, participant=peer)
    url = reverse("circles:check_in", args=[circle.pk])
    sign_in(client, world["mia"])
    key = "3f7c1a2e-0000-4000-8000-0000000000aa"
    client.post(url, {"mood": "2", "text": "Tired this week", "submission": key})
    client.post(url, {"mood": "2", "text": "Tired this week", "submission": key})
    assert CheckIn.objects.filter(participant=world["mentee_place_own"]).count() == 1
    assert (
        "Tired this week"
        in client.get(reverse("circles:detail", args=[circle.pk])).content.decode()
    )
    sign_in(client, peer_user)
    detail = reverse("circles:detail", args=[circle.pk])
    assert "Tired this week" not in client.get(detail).content.decode()
    client.post(url, {"mood": "5", "text": "Got the job!", "shared": "on"})
    sign_in(client, world["mia"])
    assert "Got the job!" in client.get(detail).content.decode()
    sign_in(client, world["carol"])
    page = client.get(detail).content.decode()
    assert "Got the job!" not in page and "Tired this week" not in page
    assert client.post(url, {"mood": "3"}).status_code == 403
    sign_in(client, world["mia"])
    for junk in ({"mood": "9"}, {"mood": "x"}, {}):
        assert client.post(url, junk).status_code == 302
    assert CheckIn.objects.count() == 2


# At risk ------------------------------------------------------------------------------------


def test_at_risk_lists_missed_sessions_clashes_and_no_recent_meeting(client, world):
    circle, mia = world["circle_own"], world["mentee_place_own"]
    now = timezone.now()
    CircleMembership.objects.filter(pk=world["circle_membership_own"].pk).update(
        joined_on=timezone.localdate() - timedelta(days=60)
    )
    for days in (20, 10):
        session = CircleSession.objects.create(
            circle=circle, starts_at=now - timedelta(days=days), status="held"
        )
        Attendance.objects.create(session=session, participant=mia, attended=False)
    sign_in(client, world["carol"])
    page = client.get(reverse("circles:at_risk", args=[circle.cohort_id])).content.decode()
    assert "Missed the last two circle sessions" in page
    # The held meeting in the world was 30 days ago; the programme expects one every 4 weeks.
    assert "No meeting recorded since" not in page
    Meeting.objects.filter(relationship=world["relationship_own"]).update(
        starts_at=now - timedelta(days=70)
    )
    when = world["circle_session_own"].starts_at
    _meeting_at(world, when)
    page = client.get(reverse("circles:at_risk", args=[circle.cohort_id])).content.decode()
    assert "No meeting recorded since" in page
    assert "1 clash between a circle session and a one-to-one meeting" in page


def test_nobody_at_risk_says_so(client, world):
    sign_in(client, world["carol"])
    page = client.get(reverse("circles:at_risk", args=[world["cohort_own"].pk])).content.decode()
    assert "Nobody looks at risk" in page


# Junk ---------------------------------------------------------------------------------------


def test_junk_never_makes_a_500(client, world):
    sign_in(client, world["carol"])
    membership = world["circle_membership_own"]
    circle = world["circle_own"]
    for url, body in (
        (reverse("circles:move", args=[membership.pk]), {"circle": "abc"}),
        (reverse("circles:move", args=[membership.pk]), {"circle": "999999"}),
        (reverse("circles:move", args=[membership.pk]), {"circle": world["circle_other"].pk}),
        (reverse("circles:add_member", args=[circle.pk]), {"participant": "x"}),
        (reverse("circles:facilitator", args=[circle.pk]), {"participant": "-1"}),
        (reverse("circles:leave", args=[membership.pk]), {"note": "x" * 1000}),
        (reverse("circles:publish", args=[circle.cohort_id]), {}),
        (reverse("circles:form", args=[circle.cohort_id]), {"seed": "\x00"}),
        (reverse("circles:session_new", args=[circle.pk]), {"day": "2026-02-30"}),
        (reverse("circles:agreement", args=[circle.pk]), {"goals": "x" * 20000}),
    ):
        response = client.post(url, body)
        assert response.status_code in (200, 302), (url, body)
    assert CircleMembership.objects.get(pk=membership.pk).current
    assert client.get("/circles/999999/").status_code == 404
    assert client.get("/circle-sessions/999999/").status_code == 404


# The API ------------------------------------------------------------------------------------


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_forms_publishes_and_serves_circles(client, world, autumn):
    sign_in(client, world["carol"])
    cohort = autumn["cohort"]
    response = post(client, reverse("circles:api_form", args=[cohort.pk]), {"seed": 4})
    assert response.status_code == 201
    data = response.json()
    assert len(data["circles"]) == 2 and data["quality"] >= data["random_start_quality"]
    assert (
        post(client, reverse("circles:api_form", args=[cohort.pk]), {"min_size": "x"}).status_code
        == 400
    )
    listed = client.get(reverse("circles:api_cohort", args=[cohort.pk])).json()
    assert [c["id"] for c in listed["circles"]] == [c["id"] for c in data["circles"]]
    response = post(client, reverse("circles:api_publish", args=[cohort.pk]), {})
    assert response.status_code == 200
    assert post(client, reverse("circles:api_publish", args=[cohort.pk]), {}).status_code == 409
    assert post(client, reverse("circles:api_form", args=[cohort.pk]), {}).status_code == 409
    circle_id = data["circles"][0]["id"]
    member = Circle.objects.get(pk=circle_id).current_members().first().participant.user
    sign_in(client, member)
    detail = client.get(reverse("circles:api_detail", args=[circle_id])).json()
    assert detail["your_roles"] == ["member"]
    assert {"name", "profession"} <= set(detail["members"][0])
    assert "ethnic_group" not in json.dumps(detail)


def test_the_api_schedules_sessions_with_a_clash_count_and_takes_check_ins(client, world):
    circle = world["circle_own"]
    when = _next_week_at(9)
    _meeting_at(world, when)
    sign_in(client, world["carol"])
    url = reverse("circles:api_sessions", args=[circle.pk])
    body = {
        "day": when.date().isoformat(),
        "time": "09:15",
        "duration_minutes": 30,
        "mode": "online",
    }
    response = post(client, url, body)
    assert response.status_code == 201
    assert response.json()["clashes_for_people"] == 2
    assert "shared_notes" not in client.get(url).json()["sessions"][0]
    assert post(client, url, {"day": "soon"}).status_code == 400
    sign_in(client, world["mia"])
    response = post(
        client, reverse("circles:api_check_in", args=[circle.pk]), {"mood": 4, "shared": True}
    )
    assert response.status_code == 201 and response.json()["shared"] is True
    mine = client.get(reverse("circles:api_commitments")).json()
    assert mine["clashes"] and any(c["warnings"] for c in mine["commitments"])


def test_the_api_paths_document_every_circles_api_url():
    from django.urls import get_resolver

    from allied.circles.api import PATHS

    routes = set()
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            route = str(getattr(inner, "pattern", ""))
            if getattr(pattern, "namespace", None) == "circles" and route.startswith("api/"):
                routes.add("/" + route.replace("<int:pk>", "{pk}"))
    assert routes == set(PATHS)
    for item in PATHS.values():
        for operation in item.values():
            assert operation["operationId"] and operation["responses"]


# The demo -----------------------------------------------------------------------------------


def test_the_demo_forms_draft_circles_for_autumn_once():
    from allied.demo import organisation as organisation_demo
    from allied.demo import programmes as demo
    from allied.demo.circles import load_demo_circles

    organisation_demo.load_demo(parts=["circles"])
    circles = load_demo_circles()
    assert circles and {c.cohort.name for c in circles} == {demo.AUTUMN}
    assert all(c.status == Circle.Status.DRAFT for c in circles)
    count = CircleMembership.objects.count()
    assert load_demo_circles() == circles
    assert CircleMembership.objects.count() == count
    placed = sum(c.current_members().count() for c in circles)
    assert placed == actions.eligible_mentees(circles[0].cohort).count()


# Next steps for the dashboard ---------------------------------------------------------------


def test_next_steps_for_a_member_a_facilitator_and_a_coordinator(world, autumn):
    from allied.circles.steps import steps_for

    texts = [text for text, _ in steps_for(world["mia"])]
    assert any(text.startswith("Circle 1 meets on") for text in texts)
    assert any("ground rules" in text for text in texts)
    assert steps_for(world["nora"]) == []
    coordinator = [text for text, _ in steps_for(world["carol"])]
    assert "Form mentoring circles for Autumn cohort" in coordinator
    actions.form(cohort=autumn["cohort"], by=world["carol"], seed=1)
    coordinator = [text for text, _ in steps_for(world["carol"])]
    assert "Review and publish the draft circles of Autumn cohort" in coordinator
