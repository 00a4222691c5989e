"""The mentoring relationship: privacy of notes, the agreement, meetings, goals, sponsorship,
reviews, endings, concerns and the coordinator's cohort list (pages and the JSON API)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind
from allied.matching import engine
from allied.mentoring import ics
from allied.mentoring import relationship as actions
from allied.programmes.models import (
    Agreement,
    Concern,
    Goal,
    Meeting,
    Participant,
    PrivateNote,
    Relationship,
    Review,
    SponsorshipAction,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_pair(world, make_person):
    """Another pair in Carol's programme, with a held meeting and notes of its own."""
    from allied.accounts.models import Role

    cohort = world["cohort_own"]
    sam = make_person("sam@alder.example", "Sam Second", world["own"], Role.MENTEE)
    rae = make_person("rae@alder.example", "Rae Mentor", world["own"], Role.MENTOR)
    mentee = Participant.objects.create(
        cohort=cohort, user=sam, side="mentee", status=Participant.Status.READY
    )
    mentor = Participant.objects.create(
        cohort=cohort, user=rae, side="mentor", status=Participant.Status.READY
    )
    relationship = Relationship.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        status=Relationship.Status.ACTIVE,
        source=Relationship.Source.COORDINATOR,
        started_at=timezone.now() - timedelta(days=10),
    )
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.now() - timedelta(days=2),
        status=Meeting.Status.HELD,
        shared_notes="second pair shared secret",
    )
    PrivateNote.objects.create(meeting=meeting, author=sam, text="second pair private secret")
    return {"sam": sam, "rae": rae, "relationship": relationship, "meeting": meeting}


def text_of(response) -> str:
    return response.content.decode()


# Privacy ----------------------------------------------------------------------------------


def test_a_mentor_never_reads_another_pairs_notes(client, world, second_pair):
    sign_in(client, world["max_mentor"])
    meeting = second_pair["meeting"]
    assert client.get(reverse("programmes:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("programmes:meeting_ics", args=[meeting.pk])).status_code == 404
    for name in ("api_private_note",):
        response = client.get(reverse(f"programmes:{name}", args=[meeting.pk]))
        assert response.status_code == 404
    relationship = second_pair["relationship"]
    for name in ("api_relationship", "api_meetings"):
        response = client.get(reverse(f"programmes:{name}", args=[relationship.pk]))
        assert response.status_code == 404
        assert "secret" not in text_of(response)
    own = client.get(reverse("programmes:relationship", args=[world["relationship_own"].pk]))
    assert "secret" not in text_of(own)
    # Nor can he write to them.
    response = client.post(
        reverse("programmes:meeting_notes", args=[meeting.pk]), {"shared_notes": "overwritten"}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.shared_notes == "second pair shared secret"


def test_the_coordinator_never_reads_any_note_text(client, world, second_pair):
    relationship, meeting = world["relationship_own"], world["meeting_own"]
    for persona in ("carol", "alice"):
        sign_in(client, world[persona])
        pages = [
            reverse("programmes:relationship", args=[relationship.pk]),
            reverse("programmes:agreement", args=[relationship.pk]),
            reverse("programmes:cohort_relationships", args=[world["cohort_own"].pk]),
            reverse("programmes:api_relationship", args=[relationship.pk]),
            reverse("programmes:api_meetings", args=[relationship.pk]),
            reverse("programmes:api_agreement", args=[relationship.pk]),
            reverse("programmes:api_relationship", args=[second_pair["relationship"].pk]),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            body = text_of(response)
            for secret in (
                "shared notes",
                "private note",
                "secret",
                "confidence to apply for band 6",  # the agreement's words
                "apply for a band 6 role",  # a goal's words
                "regional AHP network",  # a sponsorship description
            ):
                assert secret not in body, (persona, url, secret)
        for url in (
            reverse("programmes:meeting", args=[meeting.pk]),
            reverse("programmes:api_private_note", args=[meeting.pk]),
        ):
            assert client.get(url).status_code == 403
    # The coordinator does see that meetings happen.
    data = client.get(reverse("programmes:api_relationship", args=[relationship.pk])).json()
    assert data["summary"]["meetings_held"] == 1
    assert data["meetings"][0]["status"] == "held"
    assert "shared_notes" not in data["meetings"][0]


def test_a_mentee_never_sees_the_mentors_private_note(client, world):
    meeting = world["meeting_own"]
    sign_in(client, world["mia"])
    page = text_of(client.get(reverse("programmes:meeting", args=[meeting.pk])))
    assert "own private note of mia@alder.example" in page
    assert "own private note of max@alder.example" not in page
    assert "own shared notes" in page
    data = client.get(reverse("programmes:api_relationship", args=[meeting.relationship_id]))
    assert "max@alder.example" not in str(
        [m.get("my_private_note") for m in data.json()["meetings"]]
    )
    note = client.get(reverse("programmes:api_private_note", args=[meeting.pk])).json()
    assert note["text"] == "own private note of mia@alder.example"


def test_a_private_note_saved_by_one_is_read_by_nobody_else(client, world):
    meeting = world["meeting_own"]
    sign_in(client, world["max_mentor"])
    client.post(
        reverse("programmes:meeting_private_note", args=[meeting.pk]), {"text": "Max's new thought"}
    )
    assert PrivateNote.objects.get(meeting=meeting, author=world["max_mentor"]).text == (
        "Max's new thought"
    )
    for persona in ("mia", "carol"):
        sign_in(client, world[persona])
        response = client.get(
            reverse("programmes:api_relationship", args=[meeting.relationship_id])
        )
        assert "Max's new thought" not in text_of(response)


def test_the_mentee_never_sees_a_decline_reason(client, world):
    relationship = world["relationship_own"]
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.DECLINED, decline_reason="too busy with a reorganisation"
    )
    sign_in(client, world["mia"])
    for name in ("programmes:relationship", "programmes:api_relationship"):
        response = client.get(reverse(name, args=[relationship.pk]))
        assert "reorganisation" not in text_of(response)
    sign_in(client, world["max_mentor"])
    page = client.get(reverse("programmes:relationship", args=[relationship.pk]))
    assert "reorganisation" in text_of(page)


def test_the_pair_sees_each_other_without_ethnicity_or_gender(client, world):
    sign_in(client, world["max_mentor"])
    body = text_of(
        client.get(reverse("programmes:relationship", args=[world["relationship_own"].pk]))
    )
    assert "Mia Mentee" in body and "Band 5" in body
    for value in ("black_african", "Black", "African", "woman", "Woman"):
        assert value not in body


# The agreement ----------------------------------------------------------------------------


def agreement_fields(agreement: Agreement, **changes) -> dict:
    fields = {
        "version": agreement.version,
        "mentee_expectations": agreement.mentee_expectations,
        "mentor_expectations": agreement.mentor_expectations,
        "what_i_need": agreement.what_i_need,
        "what_can_help_me": agreement.what_can_help_me,
        "what_can_support_me": agreement.what_can_support_me,
        "what_i_require": agreement.what_i_require,
        "confidentiality": agreement.confidentiality,
        "meeting_every_weeks": agreement.meeting_every_weeks,
        "meeting_mode": agreement.meeting_mode,
        "length_months": agreement.length_months,
        "mid_review_on": "",
        "end_review_on": "",
        "race_discussion": agreement.race_discussion,
        "race_raised_by": agreement.race_raised_by,
    }
    fields.update(changes)
    return fields


def test_an_edit_raises_the_version_and_both_sign_again_and_a_stale_signature_is_refused(
    client, world
):
    relationship = world["relationship_own"]
    agreement = relationship.agreement
    assert agreement.signed_by_both
    sign_in(client, world["mia"])
    response = client.post(
        reverse("programmes:agreement_edit", args=[relationship.pk]),
        agreement_fields(agreement, mentee_expectations="Honest feedback, monthly"),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.mentee_signed_version is None and agreement.mentor_signed_version is None
    page = text_of(client.get(reverse("programmes:relationship", args=[relationship.pk])))
    assert "Agree your expectations" in page

    # Max signs the version he read before the change: refused, nothing signed.
    sign_in(client, world["max_mentor"])
    response = client.post(
        reverse("programmes:agreement_sign", args=[relationship.pk]),
        {"version": 1, "scope_understood": "on"},
        follow=True,
    )
    assert "has changed since you opened it" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.mentor_signed_version is None

    # Without confirming the scope, nothing is signed either.
    client.post(reverse("programmes:agreement_sign", args=[relationship.pk]), {"version": 2})
    agreement.refresh_from_db()
    assert agreement.mentor_signed_version is None

    client.post(
        reverse("programmes:agreement_sign", args=[relationship.pk]),
        {"version": 2, "scope_understood": "on"},
    )
    agreement.refresh_from_db()
    assert agreement.mentor_signed_version == 2 and not agreement.signed_by_both
    sign_in(client, world["mia"])
    page = text_of(client.get(reverse("programmes:relationship", args=[relationship.pk])))
    assert "Agree your expectations" in page
    sign_in(client, world["max_mentor"])
    page = text_of(client.get(reverse("programmes:relationship", args=[relationship.pk])))
    assert "Waiting for Mia Mentee to sign" in page

    sign_in(client, world["mia"])
    client.post(
        reverse("programmes:agreement_sign", args=[relationship.pk]),
        {"version": 2, "scope_understood": "on"},
    )
    agreement.refresh_from_db()
    assert agreement.signed_by_both and agreement.scope_understood
    page = text_of(client.get(reverse("programmes:agreement", args=[relationship.pk])))
    assert "Agreed" in page and "What mentoring can and cannot offer" in page


def test_a_stale_edit_is_refused(client, world):
    relationship = world["relationship_own"]
    agreement = relationship.agreement
    Agreement.objects.filter(pk=agreement.pk).update(version=5)
    sign_in(client, world["max_mentor"])
    client.post(
        reverse("programmes:agreement_edit", args=[relationship.pk]),
        agreement_fields(agreement, version=1, mentor_expectations="Overwrite"),
    )
    agreement.refresh_from_db()
    assert agreement.version == 5 and agreement.mentor_expectations == ""


def test_a_new_agreement_is_prefilled_from_the_intake_and_the_programme(client, world):
    relationship = world["relationship_own"]
    relationship.agreement.delete()
    mentee = world["mentee_place_own"]
    mentee.needs_text = {"need": "Confidence at interview"}
    mentee.race_conversation = "yes"
    mentee.race_raised_by = "mentor"
    mentee.save()
    sign_in(client, world["mia"])
    page = text_of(client.get(reverse("programmes:agreement_edit", args=[relationship.pk])))
    # Reading the draft makes no row: the first signature (or save) does.
    assert not Agreement.objects.filter(relationship=relationship).exists()
    client.post(
        reverse("programmes:agreement_sign", args=[relationship.pk]),
        {"version": 1, "scope_understood": "on"},
    )
    agreement = Agreement.objects.get(relationship=relationship)
    assert agreement.mentee_signed_version == 1
    assert agreement.what_i_need.startswith("Confidence at interview")
    assert agreement.race_raised_by == "mentor"
    assert agreement.meeting_every_weeks == world["programme_own"].meeting_every_weeks
    assert agreement.mid_review_on < agreement.end_review_on
    assert "safeguarding" in agreement.confidentiality
    assert "Confidence at interview" in page


def test_the_api_agreement_put_and_sign(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:api_agreement", args=[relationship.pk])
    response = client.put(
        url, {"version": 1, "what_i_require": "Protected time"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["what_i_require"] == "Protected time"
    sign = reverse("programmes:api_agreement_sign", args=[relationship.pk])
    stale = client.post(
        sign, {"version": 1, "scope_understood": True}, content_type="application/json"
    )
    assert stale.status_code == 409
    ok = client.post(
        sign, {"version": 2, "scope_understood": True}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["mentee_signed_version"] == 2


# Meetings ---------------------------------------------------------------------------------


def meeting_form(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=7)
    values = {
        "day": day.isoformat(),
        "time": "14:30",
        "duration_minutes": "60",
        "mode": "online",
        "location": "https://meet.example/abc, room; 4",
        "submission": str(uuid.uuid4()),
    }
    values.update(changes)
    return values


def test_scheduling_a_meeting_is_idempotent_and_emails_both_an_invitation(
    client, world, django_capture_on_commit_callbacks
):
    relationship = world["relationship_own"]
    sign_in(client, world["max_mentor"])
    form = meeting_form()
    url = reverse("programmes:meeting_new", args=[relationship.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form)
        second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Meeting.objects.filter(relationship=relationship).count() == 2  # the world's + one
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"mia@alder.example", "max@alder.example"}
    name, content, mimetype = message.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    properties = {n: v for n, _, v in ics.parse(content)}
    meeting = Meeting.objects.filter(relationship=relationship).latest("pk")
    assert properties["UID"] == f"{meeting.uid}@allied"
    assert properties["METHOD"] == "REQUEST"


def test_the_ics_download_is_valid_calendar_text(client, world):
    meeting = world["meeting_own"]
    Meeting.objects.filter(pk=meeting.pk).update(location="Room 1, Block C; ask at reception " * 3)
    sign_in(client, world["mia"])
    response = client.get(reverse("programmes:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n")
    for line in raw[:-2].split(b"\r\n"):
        assert len(line) <= 75
        assert b"\n" not in line and b"\r" not in line
    parsed = ics.parse(raw.decode())
    names = {name for name, _, _ in parsed}
    assert {
        "VERSION",
        "PRODID",
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SEQUENCE",
        "SUMMARY",
    } <= names
    props = {name: value for name, _, value in parsed}
    assert props["UID"] == f"{meeting.uid}@allied"
    assert props["SUMMARY"] == "Mentoring meeting"
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTART"])
    assert props["METHOD"] in ("PUBLISH", "REQUEST")


def test_rescheduling_bumps_the_sequence_and_cancelling_says_cancelled(
    client, world, django_capture_on_commit_callbacks
):
    relationship = world["relationship_own"]
    meeting = Meeting.objects.create(
        relationship=relationship, starts_at=timezone.now() + timedelta(days=3)
    )
    sign_in(client, world["mia"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmes:meeting_edit", args=[meeting.pk]), meeting_form(time="09:00")
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert timezone.localtime(meeting.starts_at).hour == 9
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programmes:meeting_cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.sequence == 2
    assert len(mail.outbox) == 2
    props = {n: v for n, _, v in ics.parse(mail.outbox[1].attachments[0][1])}
    assert props["STATUS"] == "CANCELLED" and props["SEQUENCE"] == "2"
    body = client.get(reverse("programmes:meeting_ics", args=[meeting.pk])).content.decode()
    assert "STATUS:CANCELLED" in body


def test_a_meeting_is_recorded_as_held_only_once_it_has_started(client, world):
    relationship = world["relationship_own"]
    future = Meeting.objects.create(
        relationship=relationship, starts_at=timezone.now() + timedelta(days=3)
    )
    past = Meeting.objects.create(
        relationship=relationship, starts_at=timezone.now() - timedelta(hours=2)
    )
    sign_in(client, world["mia"])
    client.post(reverse("programmes:meeting_held", args=[future.pk]))
    client.post(reverse("programmes:meeting_held", args=[past.pk]))
    future.refresh_from_db()
    past.refresh_from_db()
    assert future.status == Meeting.Status.SCHEDULED
    assert past.status == Meeting.Status.HELD and past.logged_by == world["mia"]


def test_bad_meeting_input_is_a_form_error_not_a_500(client, world):
    sign_in(client, world["mia"])
    url = reverse("programmes:meeting_new", args=[world["relationship_own"].pk])
    for bad in (
        {"day": "2026-02-30"},
        {"day": "99999-01-01"},
        {"time": "25:61"},
        {"duration_minutes": "lots"},
        {"mode": "carrier_pigeon"},
    ):
        response = client.post(url, meeting_form(**bad))
        assert response.status_code == 200, bad
        assert "There is a problem" in text_of(response)
    assert Meeting.objects.filter(relationship=world["relationship_own"]).count() == 1


def test_shared_notes_saved_over_a_partners_newer_save_are_refused(client, world):
    meeting = world["meeting_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:meeting_notes", args=[meeting.pk])
    response = client.post(url, {"shared_notes": "Mine", "base": "stale-digest"})
    assert response.status_code == 200
    assert "changed the shared notes" in text_of(response)
    meeting.refresh_from_db()
    assert meeting.shared_notes == "own shared notes"


def test_a_notes_clash_shows_both_versions_keeps_what_was_typed_and_can_be_saved(client, world):
    meeting = world["meeting_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:meeting_notes", args=[meeting.pk])
    typed = "We agreed <three> actions & a date"
    response = client.post(url, {"shared_notes": typed, "base": "stale-digest"})
    html = response.content.decode()
    # Theirs, as saved, beside what this person typed, still in the form (escaped both times).
    assert "Their version" in html and "own shared notes" in html
    assert "Your version" in html
    assert "We agreed &lt;three&gt; actions &amp; a date</textarea>" in html
    # The form now starts from their version: saving again, having read it, goes through.
    base = re.search(r'name="base" value="([^"]*)"', html).group(1)
    assert base == actions.notes_digest("own shared notes")
    merged = "own shared notes\n" + typed
    client.post(url, {"shared_notes": merged, "base": base})
    meeting.refresh_from_db()
    assert meeting.shared_notes == merged


# Goals and sponsorship --------------------------------------------------------------------


def test_a_goal_with_an_action_and_an_update_then_achieved(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    key = str(uuid.uuid4())
    form = {"title": "Present at a conference", "target_date": "", "submission": key}
    url = reverse("programmes:goal_new", args=[relationship.pk])
    client.post(url, form)
    client.post(url, form)
    goal = Goal.objects.get(relationship=relationship, title="Present at a conference")
    client.post(
        reverse("programmes:goal_action_new", args=[goal.pk]),
        {
            "text": "Submit an abstract",
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    action = goal.actions.get()
    client.post(reverse("programmes:goal_action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_at is not None
    client.post(
        reverse("programmes:goal_update_new", args=[goal.pk]), {"text": "Abstract accepted"}
    )
    client.post(reverse("programmes:goal_status", args=[goal.pk]), {"status": "achieved"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED and goal.updates.count() == 1
    page = text_of(client.get(reverse("programmes:goal", args=[goal.pk])))
    assert "Abstract accepted" in page and "Submit an abstract" in page


def test_the_mentor_records_sponsorship_and_the_mentee_confirms(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["max_mentor"])
    form = {
        "kind": "advocacy",
        "happened_on": timezone.localdate().isoformat(),
        "description": "Put Mia forward for the band 6 secondment",
        "submission": str(uuid.uuid4()),
    }
    url = reverse("programmes:sponsorship_new", args=[relationship.pk])
    client.post(url, form)
    client.post(url, form)
    action = SponsorshipAction.objects.get(relationship=relationship, kind="advocacy")
    # Only the mentee confirms.
    response = client.post(reverse("programmes:sponsorship_confirm", args=[action.pk]))
    assert response.status_code == 403
    sign_in(client, world["mia"])
    assert client.get(url).status_code == 403
    page = text_of(client.get(reverse("programmes:relationship", args=[relationship.pk])))
    assert "sponsorship domain" not in page or "Sponsorship" in page
    assert "Put Mia forward" in page
    client.post(
        reverse("programmes:sponsorship_confirm", args=[action.pk]), {"comment": "Thank you"}
    )
    client.post(reverse("programmes:sponsorship_confirm", args=[action.pk]), {"comment": "Again"})
    action.refresh_from_db()
    assert action.confirmed_at is not None and action.mentee_comment == "Thank you"


def test_goal_and_sponsorship_through_the_api(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    goal = client.post(
        reverse("programmes:api_goals", args=[relationship.pk]),
        {"title": "Apply for a band 7 role"},
        content_type="application/json",
    )
    assert goal.status_code == 201
    goal_id = goal.json()["id"]
    put = client.put(
        reverse("programmes:api_goal", args=[goal_id]),
        {"status": "set_aside"},
        content_type="application/json",
    )
    assert put.json()["status"] == "set_aside"
    refused = client.post(
        reverse("programmes:api_sponsorship", args=[relationship.pk]),
        {"kind": "signposting", "happened_on": "2026-05-02", "description": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    sign_in(client, world["max_mentor"])
    made = client.post(
        reverse("programmes:api_sponsorship", args=[relationship.pk]),
        {"kind": "signposting", "happened_on": "2026-05-02", "description": "Leadership course"},
        content_type="application/json",
    )
    assert made.status_code == 201
    sign_in(client, world["mia"])
    confirmed = client.post(
        reverse("programmes:api_sponsorship_confirm", args=[made.json()["id"]]),
        {"comment": "Booked"},
        content_type="application/json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]


# Reviews ----------------------------------------------------------------------------------


REVIEW = {
    "satisfaction": "4",
    "trust": "5",
    "psychological_safety": "4",
    "expectations_met": "partly",
    "allyship": "5",
    "career_change": "Applied for band 6",
    "comments": "Very helpful",
}


def test_each_of_the_pair_reviews_each_stage_once(client, world):
    relationship = world["relationship_own"]
    # Both reviews are due, so both are open.
    Agreement.objects.filter(relationship=relationship).update(
        mid_review_on=timezone.localdate(), end_review_on=timezone.localdate() + timedelta(days=7)
    )
    sign_in(client, world["mia"])
    # The world already holds Mia's mid-point review: a resubmission changes nothing.
    response = client.post(
        reverse("programmes:review", args=[relationship.pk, "mid"]),
        {**REVIEW, "trust": "1"},
        follow=True,
    )
    assert "already sent" in text_of(response)
    assert Review.objects.get(relationship=relationship, stage="mid", side="mentee").trust == 5
    client.post(reverse("programmes:review", args=[relationship.pk, "end"]), REVIEW)
    assert Review.objects.get(relationship=relationship, stage="end", side="mentee").allyship == 5
    sign_in(client, world["max_mentor"])
    client.post(reverse("programmes:review", args=[relationship.pk, "mid"]), REVIEW)
    mentor_review = Review.objects.get(relationship=relationship, stage="mid", side="mentor")
    assert mentor_review.allyship is None  # allyship is the mentee's to rate
    api = client.post(
        reverse("programmes:api_review", args=[relationship.pk, "mid"]),
        REVIEW,
        content_type="application/json",
    )
    assert api.status_code == 409
    assert Review.objects.filter(relationship=relationship).count() == 3
    assert (
        client.get(reverse("programmes:review", args=[relationship.pk, "late"])).status_code == 404
    )


def test_the_coordinator_sees_review_ratings_but_not_comments(client, world):
    relationship = world["relationship_own"]
    Review.objects.filter(relationship=relationship).update(comments="a private comment")
    sign_in(client, world["carol"])
    page = text_of(client.get(reverse("programmes:relationship", args=[relationship.pk])))
    assert "a private comment" not in page
    data = client.get(reverse("programmes:api_relationship", args=[relationship.pk])).json()
    assert data["reviews"][0]["satisfaction"] == 4
    assert "comments" not in data["reviews"][0]


# Endings ----------------------------------------------------------------------------------


def test_a_no_fault_ending_returns_the_mentee_to_matching(
    client, world, django_capture_on_commit_callbacks
):
    relationship = world["relationship_own"]
    upcoming = Meeting.objects.create(
        relationship=relationship, starts_at=timezone.now() + timedelta(days=5)
    )
    sign_in(client, world["max_mentor"])
    page = text_of(client.get(reverse("programmes:end", args=[relationship.pk])))
    assert "You do not need to give a reason" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:end", args=[relationship.pk]), {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ENDED
    assert relationship.ending == Relationship.Ending.NO_FAULT
    assert relationship.ended_by == world["max_mentor"] and relationship.ended_at
    mentee = world["mentee_place_own"]
    mentee.refresh_from_db()
    assert mentee.status == Participant.Status.READY
    assert not Relationship.objects.current().filter(mentee=mentee).exists()
    assert mentee in engine.ready_people(world["cohort_own"], "mentee")
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.CANCELLED
    assert AuditEvent.objects.filter(kind=Kind.RELATIONSHIP_ENDED).count() == 1
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"mia@alder.example", "carol@alder.example"} <= recipients
    assert not any("fault" in m.subject.lower() for m in mail.outbox)
    # Ending twice changes nothing more.
    client.post(reverse("programmes:end", args=[relationship.pk]), {})
    assert AuditEvent.objects.filter(kind=Kind.RELATIONSHIP_ENDED).count() == 1


def test_completed_is_refused_before_the_end_review_is_due(client, world):
    relationship = world["relationship_own"]
    Agreement.objects.filter(relationship=relationship).update(
        end_review_on=timezone.localdate() + timedelta(days=100)
    )
    sign_in(client, world["mia"])
    response = client.post(
        reverse("programmes:end", args=[relationship.pk]), {"ending": "completed"}
    )
    assert response.status_code == 200
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE


# Concerns ---------------------------------------------------------------------------------


def test_a_concern_emails_the_coordinator_without_its_content(
    client, world, django_capture_on_commit_callbacks
):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    form = {
        "safeguarding": "on",
        "text": "My mentor said something worrying",
        "submission": str(uuid.uuid4()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programmes:concern_new", args=[relationship.pk]), form)
        client.post(reverse("programmes:concern_new", args=[relationship.pk]), form)
    concern = Concern.objects.get(text="My mentor said something worrying")
    assert concern.safeguarding and concern.raised_by == world["mia"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@alder.example"]
    assert "worrying" not in message.subject + message.body
    assert "sign in to read it" in message.body.lower()
    assert AuditEvent.objects.filter(kind=Kind.CONCERN_RAISED).count() == 1
    assert "worrying" not in str(AuditEvent.objects.get(kind=Kind.CONCERN_RAISED).detail)

    sign_in(client, world["carol"])
    listing = text_of(client.get(reverse("programmes:concerns", args=[world["programme_own"].pk])))
    assert "Safeguarding" in listing
    client.post(
        reverse("programmes:concern", args=[concern.pk]),
        {"status": "acknowledged", "note": "Called Mia"},
    )
    concern.refresh_from_db()
    assert (
        concern.status == Concern.Status.ACKNOWLEDGED and "Called Mia" in concern.coordinator_note
    )


# The coordinator's cohort list ------------------------------------------------------------


def test_the_cohort_list_flags_pairs_at_risk(client, world, second_pair):
    own = world["relationship_own"]
    # The world's pair met 30 days ago with a four-weekly rhythm: not at risk yet.
    second = second_pair["relationship"]
    Relationship.objects.filter(pk=second.pk).update(started_at=timezone.now() - timedelta(days=70))
    Meeting.objects.filter(pk=second_pair["meeting"].pk).update(
        starts_at=timezone.now() - timedelta(days=60)
    )
    sign_in(client, world["carol"])
    response = client.get(reverse("programmes:cohort_relationships", args=[world["cohort_own"].pk]))
    assert response.status_code == 200
    rows = {relationship.pk: summary for relationship, summary in response.context["rows"]}
    assert rows[own.pk].at_risk == ()
    assert rows[own.pk].agreement_signed and rows[own.pk].meetings_held == 1
    reasons = rows[second.pk].at_risk
    assert any("No meeting recorded" in r for r in reasons)
    assert "Agreement not signed after 4 weeks" in reasons
    body = text_of(response)
    assert "Sam Second with Rae Mentor" in body and "At risk" in body
    assert "secret" not in body


# The OpenAPI fragment ---------------------------------------------------------------------


def test_the_openapi_fragment_documents_every_relationship_api_route():
    from django.urls import get_resolver

    from allied.mentoring.api.relationship import PATHS
    from allied.mentoring.urls import relationship as urls

    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in urls.urlpatterns
        if str(p.pattern).startswith("api/")
    }
    assert routes == set(PATHS)
    for operations in PATHS.values():
        for operation in operations.values():
            assert operation["operationId"] and operation["responses"]
    assert get_resolver()  # the routes are mounted
