"""The relationship area's review findings, one test each: all-or-nothing goal changes, stale
meeting and goal edits, what ending does, the ended record read-only, the agreement kept
for active mentoring, when reviews open, the private note's deletion, and clock changes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.programmes.models import (
    Agreement,
    Goal,
    Meeting,
    PrivateNote,
    Relationship,
    Review,
    ShortlistOffer,
    SponsorshipAction,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ENDED = "This mentoring relationship has ended; its record can be read but not changed."


def text_of(response) -> str:
    return response.content.decode()


def put(client, name: str, pk: int, body: dict):
    return client.put(reverse(name, args=[pk]), body, content_type="application/json")


def meeting_form(day, time: str, **changes) -> dict:
    values = {
        "day": day.isoformat(),
        "time": time,
        "duration_minutes": "60",
        "mode": "online",
        "location": "",
        "submission": str(uuid.uuid4()),
    }
    values.update(changes)
    return values


def test_a_goal_put_that_fails_validation_changes_nothing(client, world):
    goal = world["goal_own"]
    sign_in(client, world["mia"])
    response = put(client, "programmes:api_goal", goal.pk, {"status": "achieved", "title": ""})
    assert response.status_code == 400
    goal.refresh_from_db()
    assert goal.status == Goal.Status.OPEN and goal.title == "own: apply for a band 6 role"
    bad_status = put(client, "programmes:api_goal", goal.pk, {"status": "won", "title": "New"})
    assert bad_status.status_code == 400
    goal.refresh_from_db()
    assert goal.title == "own: apply for a band 6 role"


def test_a_stale_meeting_edit_is_refused_and_the_partners_change_stands(client, world):
    relationship = world["relationship_own"]
    day = timezone.localdate() + timedelta(days=5)
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10)),
    )
    url = reverse("programmes:meeting_edit", args=[meeting.pk])
    sign_in(client, world["mia"])
    form = client.get(url).context["form"]
    assert form.initial["sequence"] == 0 and 'name="sequence"' in str(form)
    # Max moves the meeting to 15:00 while Mia's form is open.
    sign_in(client, world["max_mentor"])
    client.post(url, meeting_form(day, "15:00", sequence="0"))
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and timezone.localtime(meeting.starts_at).hour == 15
    # Mia saves her form, made from sequence 0: refused, Max's time stands.
    sign_in(client, world["mia"])
    response = client.post(url, meeting_form(day, "09:00", sequence="0"))
    assert response.status_code == 200
    assert "changed this meeting while you were looking at it" in text_of(response)
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and timezone.localtime(meeting.starts_at).hour == 15
    # The API too: a cancel sent with the old sequence is a 409 and cancels nothing.
    stale = client.post(
        reverse("programmes:api_meeting_cancel", args=[meeting.pk]),
        {"sequence": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_ending_withdraws_the_mentors_offer_and_a_request_cannot_be_ended(client, world):
    relationship = world["relationship_own"]
    mentee, mentor = world["mentee_place_own"], world["mentor_place_own"]
    offer, _ = ShortlistOffer.objects.update_or_create(
        mentee=mentee, mentor=mentor, defaults={"rank": 1, "withdrawn_at": None}
    )
    sign_in(client, world["mia"])
    client.post(reverse("programmes:end", args=[relationship.pk]), {})
    relationship.refresh_from_db()
    offer.refresh_from_db()
    assert relationship.status == Relationship.Status.ENDED
    assert offer.withdrawn_at is not None
    # A new request to Max: he cannot "end" it, only answer it.
    request = Relationship.objects.create(
        cohort=world["cohort_own"],
        mentee=mentee,
        mentor=mentor,
        status=Relationship.Status.REQUESTED,
        source=Relationship.Source.SHORTLIST,
    )
    sign_in(client, world["max_mentor"])
    page = client.get(reverse("programmes:end", args=[request.pk]))
    assert page.status_code == 302
    assert page["Location"] == reverse("programmes:respond", args=[request.pk])
    client.post(reverse("programmes:end", args=[request.pk]), {})
    api = client.post(
        reverse("programmes:api_end", args=[request.pk]), {}, content_type="application/json"
    )
    assert api.status_code == 409
    request.refresh_from_db()
    assert request.status == Relationship.Status.REQUESTED


def test_an_ended_relationship_can_be_read_but_not_changed(client, world):
    relationship, meeting, goal = world["relationship_own"], world["meeting_own"], world["goal_own"]
    past = Meeting.objects.create(
        relationship=relationship, starts_at=timezone.now() - timedelta(hours=3)
    )
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.ENDED, ended_at=timezone.now(), ending="no_fault"
    )
    sign_in(client, world["mia"])
    held = client.post(reverse("programmes:meeting_held", args=[past.pk]), follow=True)
    assert ENDED in text_of(held)
    client.post(reverse("programmes:meeting_cancel", args=[past.pk]))
    notes = client.post(
        reverse("programmes:meeting_notes", args=[meeting.pk]), {"shared_notes": "Later"}
    )
    assert ENDED in text_of(notes)
    client.post(reverse("programmes:meeting_private_note", args=[meeting.pk]), {"text": "Later"})
    client.post(reverse("programmes:goal_status", args=[goal.pk]), {"status": "achieved"})
    client.post(reverse("programmes:sponsorship_confirm", args=[world["sponsorship_own"].pk]))
    for name, pk, body in (
        ("programmes:api_meeting_notes", meeting.pk, {"shared_notes": "Later"}),
        ("programmes:api_private_note", meeting.pk, {"text": "Later"}),
        ("programmes:api_goal", goal.pk, {"status": "achieved"}),
    ):
        response = put(client, name, pk, body)
        assert response.status_code == 409, name
        assert ENDED in text_of(response)
    past.refresh_from_db()
    meeting.refresh_from_db()
    goal.refresh_from_db()
    assert past.status == Meeting.Status.SCHEDULED
    assert meeting.shared_notes == "own shared notes"
    assert PrivateNote.objects.get(meeting=meeting, author=world["mia"]).text.startswith("own")
    assert goal.status == Goal.Status.OPEN
    assert SponsorshipAction.objects.get(pk=world["sponsorship_own"].pk).confirmed_at is None
    # Reading stays open to the pair.
    for url in (
        reverse("programmes:relationship", args=[relationship.pk]),
        reverse("programmes:meeting", args=[meeting.pk]),
        reverse("programmes:agreement", args=[relationship.pk]),
        reverse("programmes:goal", args=[goal.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_agreement_is_for_active_mentoring_and_reading_it_makes_no_row(client, world):
    relationship = world["relationship_own"]
    relationship.agreement.delete()
    mentee = world["mentee_place_own"]
    mentee.needs_text = {"need": "Confidence at interview"}
    mentee.save()
    Relationship.objects.filter(pk=relationship.pk).update(status=Relationship.Status.REQUESTED)
    sign_in(client, world["max_mentor"])
    for name in ("programmes:agreement", "programmes:agreement_edit"):
        response = client.get(reverse(name, args=[relationship.pk]), follow=True)
        assert "Confidence at interview" not in text_of(response), name
    api = client.get(reverse("programmes:api_agreement", args=[relationship.pk]))
    assert api.status_code == 409 and "Confidence at interview" not in text_of(api)
    assert not Agreement.objects.filter(relationship=relationship).exists()
    # Once active, the pair read the draft, and reading still makes no row.
    Relationship.objects.filter(pk=relationship.pk).update(status=Relationship.Status.ACTIVE)
    page = client.get(reverse("programmes:agreement", args=[relationship.pk]))
    assert "Confidence at interview" in text_of(page)
    api = client.get(reverse("programmes:api_agreement", args=[relationship.pk]))
    assert api.status_code == 200 and api.json()["what_i_need"].startswith("Confidence")
    assert not Agreement.objects.filter(relationship=relationship).exists()


REVIEW = {
    "satisfaction": "4",
    "trust": "5",
    "psychological_safety": "4",
    "expectations_met": "partly",
    "allyship": "5",
}


def test_reviews_open_shortly_before_their_dates(client, world):
    relationship = world["relationship_own"]
    today = timezone.localdate()
    Agreement.objects.filter(relationship=relationship).update(
        mid_review_on=today + timedelta(days=30), end_review_on=today + timedelta(days=60)
    )
    sign_in(client, world["mia"])
    end = reverse("programmes:review", args=[relationship.pk, "end"])
    response = client.post(end, REVIEW)
    opens = today + timedelta(days=32)
    assert f"Your end review opens on {opens:%-d %B %Y}" in text_of(response)
    assert not Review.objects.filter(relationship=relationship, stage="end").exists()
    # So "completed" is not yet open either.
    client.post(reverse("programmes:end", args=[relationship.pk]), {"ending": "completed"})
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    sign_in(client, world["max_mentor"])
    mid = reverse("programmes:api_review", args=[relationship.pk, "mid"])
    assert client.post(mid, REVIEW, content_type="application/json").status_code == 409
    Agreement.objects.filter(relationship=relationship).update(
        mid_review_on=today + timedelta(days=14), end_review_on=today + timedelta(days=28)
    )
    assert client.post(mid, REVIEW, content_type="application/json").status_code == 201
    sign_in(client, world["mia"])
    client.post(end, REVIEW)
    assert Review.objects.filter(relationship=relationship, stage="end").exists()


def test_a_review_that_has_not_opened_says_when_it_opens_instead_of_showing_the_form(client, world):
    relationship = world["relationship_own"]
    today = timezone.localdate()
    Agreement.objects.filter(relationship=relationship).update(
        end_review_on=today + timedelta(days=60)
    )
    sign_in(client, world["mia"])
    url = reverse("programmes:review", args=[relationship.pk, "end"])
    main = client.get(url).content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    opens, due = today + timedelta(days=32), today + timedelta(days=60)
    assert f"Your end review opens on {opens:%-d %B %Y}" in main
    assert f"28 days before it is due on {due:%-d %B %Y}" in main
    assert "<form" not in main and "Send your review" not in main
    # Once it opens, the form is there.
    Agreement.objects.filter(relationship=relationship).update(
        end_review_on=today + timedelta(days=28)
    )
    assert "Send your review" in text_of(client.get(url))


def test_a_missing_or_null_private_note_is_refused_and_only_an_empty_string_deletes(client, world):
    meeting = world["meeting_own"]
    sign_in(client, world["mia"])
    for body in ({"text": None}, {}):
        response = put(client, "programmes:api_private_note", meeting.pk, body)
        assert response.status_code == 400, body
        assert PrivateNote.objects.filter(meeting=meeting, author=world["mia"]).exists()
    response = put(client, "programmes:api_private_note", meeting.pk, {"text": ""})
    assert response.status_code == 200
    assert not PrivateNote.objects.filter(meeting=meeting, author=world["mia"]).exists()


def test_a_stale_goal_change_is_refused_and_a_change_raises_the_version(client, world):
    goal, relationship = world["goal_own"], world["relationship_own"]
    sign_in(client, world["mia"])
    read = client.get(reverse("programmes:api_goal", args=[goal.pk])).json()
    before = Relationship.objects.get(pk=relationship.pk).version
    changed = put(
        client,
        "programmes:api_goal",
        goal.pk,
        {"title": "Apply for a band 6 role by March", "fingerprint": read["fingerprint"]},
    )
    assert changed.status_code == 200
    assert Relationship.objects.get(pk=relationship.pk).version == before + 1
    # Max, still holding the first reading, is refused.
    sign_in(client, world["max_mentor"])
    stale = put(
        client,
        "programmes:api_goal",
        goal.pk,
        {"description": "Overwrite", "status": "set_aside", "fingerprint": read["fingerprint"]},
    )
    assert stale.status_code == 409
    goal.refresh_from_db()
    assert goal.title == "Apply for a band 6 role by March"
    assert goal.description == "" and goal.status == Goal.Status.OPEN


def last_sunday(year: int, month: int) -> date:
    """The day the UK's clocks change: the last Sunday of March (forward) or October (back)."""
    last = date(year, month, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


@pytest.mark.parametrize("api", [False, True])
def test_a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_the_first(client, world, api):
    relationship = world["relationship_own"]
    sign_in(client, world["max_mentor"])
    url = reverse(
        "programmes:api_meetings" if api else "programmes:meeting_new", args=[relationship.pk]
    )

    def post(day, time):
        form = meeting_form(day, time)
        if api:
            return client.post(url, form, content_type="application/json")
        return client.post(url, form)

    year = timezone.localdate().year + 1
    skipped = post(last_sunday(year, 3), "01:30")
    assert skipped.status_code == (400 if api else 200)
    assert "the clocks go forward" in text_of(skipped)
    assert Meeting.objects.filter(relationship=relationship).count() == 1
    back = last_sunday(year, 10)
    post(back, "01:30")
    made = Meeting.objects.filter(relationship=relationship).latest("pk")
    assert made.starts_at == datetime(back.year, 10, back.day, 0, 30, tzinfo=UTC)  # 01:30 BST
