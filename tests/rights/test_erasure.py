"""Erasure removes or irreversibly anonymises everything about a person: a marker planted in
every free-text field of every row about them survives nowhere afterwards, except in the
records kept under a legal duty, which the admin is told about."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.test import Client

from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import Concern, Participant, Relationship, Review, SpecialCategory
from allied.rights import actions, registry
from allied.rights.models import Erasure, ErasureRequest
from allied.workshops.models import Ballot
from allied.workshops.models import Participant as Seat
from tests.conftest import sign_in
from tests.rights.helpers import MARKER, give_mia_everything, plant, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked_mia(world):
    """Mia with a row in every model about a person, her name and email marked, and the
    marker in every free-text field of every one of those rows."""
    mia = world["mia"]
    mia.full_name = f"Mia {MARKER}"
    mia.email = f"mia.{MARKER}@alder.example"
    mia.save()
    added = give_mia_everything(world)
    planted = plant(mia)
    # Concerns only name her (their keys are SET_NULL), so the registry's chains do not plant
    # in them: one she raised, and a safeguarding concern about her relationship.
    for concern in (world["concern_own"], added["safeguarding"]):
        Concern.objects.filter(pk=concern.pk).update(
            text=f"{MARKER} concern", coordinator_note=f"{MARKER} note"
        )
    # A briefing file someone uploaded that names her: the workshop's, not hers, but a file.
    world["file_own"].file.save("names.txt", ContentFile(b"nothing about anyone"))
    return {**world, **added, "planted": planted}


def test_every_model_that_can_hold_something_about_a_person_is_in_the_test(marked_mia):
    """The world gives Mia a row in every model with an owner chain, so the marker test
    reaches every one of them; a new model fails here until the world gives her a row."""
    mia = marked_mia["mia"]
    missing = []
    for model in registry.linked_models():
        owner, _ = registry.chains_of(model)
        if owner and model is not type(mia) and not any(c.rows(mia).exists() for c in owner):
            missing.append(model._meta.label_lower)
    assert missing == []


def test_a_marker_in_every_field_survives_nowhere_but_the_retained_records(marked_mia):
    mia = marked_mia["mia"]
    client = sign_in(Client(), mia)
    assert client.get("/account/").status_code == 200
    assert scan() - {("accounts_user", mia.pk)}, "the marker was planted"

    erasure = actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])

    survivors = scan()
    retained = marked_mia["safeguarding"]
    assert survivors == {("programmes_concern", retained.pk), ("rights_erasure", erasure.pk)}
    assert erasure.retained == [
        {"model": "programmes.concern", "id": retained.pk, "reason": actions.SAFEGUARDING_REASON}
    ]
    assert erasure.retained_identity["email"] == f"mia.{MARKER}@alder.example"


def test_the_account_is_closed_and_every_session_ended(marked_mia):
    mia = marked_mia["mia"]
    client = sign_in(Client(), mia)
    assert Session.objects.count() == 1

    actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])

    mia.refresh_from_db()
    assert mia.email.startswith("erased-") and mia.email.endswith("@invalid")
    assert mia.full_name == actions.ERASED_NAME
    assert not mia.is_active and not mia.has_usable_password()
    assert Session.objects.count() == 0
    assert client.get("/account/").status_code == 302
    assert not mia.memberships.exists()


def test_counts_survive_and_ballots_stay_in_the_results_without_the_person(marked_mia):
    mia = marked_mia["mia"]
    places, ballots = Participant.objects.count(), Ballot.objects.count()
    reviews = Review.objects.count()

    actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])

    assert Participant.objects.count() == places
    assert Ballot.objects.count() == ballots
    assert Review.objects.count() == reviews
    seat = Seat.objects.get(pk=marked_mia["seat"].pk)
    assert (seat.real_name, seat.email, seat.session_digest) == ("", "", "")
    assert seat.ballots.count() == 1
    assert marked_mia["idea"].__class__.objects.get(pk=marked_mia["idea"].pk).participant is None
    assert not SpecialCategory.objects.filter(participant__user=mia).exists()
    place = Participant.objects.get(pk=marked_mia["mentee_place_own"].pk)
    assert (place.profession, place.band, place.needs_text) == ("", "", {})
    assert place.status == Participant.Status.WITHDRAWN


def test_mentoring_ends_without_blame_for_the_other_person(marked_mia):
    actions.person_erase(
        user=marked_mia["mia"], by=marked_mia["alice"], organisation=marked_mia["own"]
    )
    relationship = Relationship.objects.get(pk=marked_mia["relationship_own"].pk)
    assert relationship.status == Relationship.Status.ENDED
    assert relationship.ending == Relationship.Ending.NO_FAULT


def test_no_record_names_the_person_afterwards(marked_mia):
    mia = marked_mia["mia"]
    actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    for chain in registry.chains():
        if not chain.mention or registry.rule_for(chain.model).erase == registry.CUSTOM:
            continue
        assert not chain.rows(mia).exists(), chain.label


def test_the_audit_log_is_pseudonymised_and_records_the_erasure_without_personal_data(
    marked_mia,
):
    mia = marked_mia["mia"]
    erasure = actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    granted = AuditEvent.objects.filter(kind=Kind.ROLE_GRANTED, actor=marked_mia["alice"]).first()
    assert granted.subject == f"erased person {erasure.pk}"
    assert granted.detail["email_sent_to"] == f"erased person {erasure.pk}"
    own = AuditEvent.objects.filter(kind=Kind.SIGN_IN, actor=mia).get()
    assert (own.email, own.ip_address) == ("", None)
    erased = AuditEvent.objects.get(kind=Kind.PERSON_ERASED)
    assert erased.subject == f"erasure {erasure.pk}"
    assert MARKER not in str(erased.detail) and erased.email == ""


def test_erasing_twice_changes_nothing(marked_mia):
    mia = marked_mia["mia"]
    first = actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    events = AuditEvent.objects.count()
    again = actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    assert again.pk == first.pk
    assert Erasure.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_an_open_request_is_closed_by_the_erasure(marked_mia):
    mia = marked_mia["mia"]
    actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    assert ErasureRequest.objects.get(user=mia).status == ErasureRequest.Status.DONE


def test_a_concern_that_is_not_safeguarding_loses_its_text(marked_mia):
    concern = marked_mia["concern_own"]
    actions.person_erase(
        user=marked_mia["mia"], by=marked_mia["alice"], organisation=marked_mia["own"]
    )
    concern.refresh_from_db()
    assert (concern.text, concern.raised_by) == ("", None)


def test_the_other_persons_own_account_and_places_are_untouched(marked_mia):
    max_mentor = marked_mia["max_mentor"]
    before = (max_mentor.full_name, max_mentor.email)
    actions.person_erase(
        user=marked_mia["mia"], by=marked_mia["alice"], organisation=marked_mia["own"]
    )
    max_mentor.refresh_from_db()
    assert (max_mentor.full_name, max_mentor.email) == before
    assert max_mentor.memberships.exists()
    place = Participant.objects.get(pk=marked_mia["mentor_place_own"].pk)
    assert place.profession == "occupational_therapist"


def test_the_only_admin_of_an_organisation_cannot_be_erased(world):
    with pytest.raises(actions.RightsError, match="only organisation admin"):
        actions.person_erase(user=world["alice"], by=world["carol"])
    world["alice"].refresh_from_db()
    assert world["alice"].is_active


# Finding 4: a double-submitted erasure must not run twice.


def test_the_database_holds_one_erasure_of_a_whole_person(world):
    from django.db import IntegrityError, transaction

    mia = world["mia"]
    Erasure.objects.create(user=mia, scope=Erasure.Scope.PERSON)
    Erasure.objects.create(user=mia, scope=Erasure.Scope.PROGRAMME)
    Erasure.objects.create(user=mia, scope=Erasure.Scope.PROGRAMME)
    with pytest.raises(IntegrityError), transaction.atomic():
        Erasure.objects.create(user=mia, scope=Erasure.Scope.PERSON)


def test_a_second_run_that_finds_the_account_already_scrubbed_changes_nothing(marked_mia):
    """A second submission that checked before the first committed finds, once it holds the
    lock, an account already scrubbed: it must not erase again, nor search the audit log for
    "Erased person" and rewrite every earlier pseudonym."""
    mia = marked_mia["mia"]
    first = actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])
    pseudonym = f"erased person {first.pk}"
    # As the racing run saw it: its check ran before the first erasure's record existed.
    Erasure.objects.filter(pk=first.pk).delete()
    events = AuditEvent.objects.count()

    with pytest.raises(actions.RightsError, match="already been erased"):
        actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])

    granted = AuditEvent.objects.filter(kind=Kind.ROLE_GRANTED, actor=marked_mia["alice"]).first()
    assert granted.subject == pseudonym
    assert AuditEvent.objects.count() == events


def test_erased_names_and_addresses_are_never_search_terms(world):
    from allied.audit.log import record

    earlier = record(Kind.ROLE_GRANTED, organisation=world["own"], subject="erased person 7")
    addressed = record(
        Kind.ROLE_GRANTED, organisation=world["own"], subject="x", to="erased-ab12@invalid"
    )
    changed = AuditEvent.objects.pseudonymise(
        user=world["mia"],
        terms=[actions.ERASED_NAME, "erased-ab12@invalid"],
        pseudonym="erased person 8",
        organisations=[world["own"]],
    )
    assert changed == 0
    assert AuditEvent.objects.get(pk=earlier.pk).subject == "erased person 7"
    assert AuditEvent.objects.get(pk=addressed.pk).detail == {"to": "erased-ab12@invalid"}


# Finding 5: the partner and the coordinator are told, never the erased person.


def test_erasure_tells_the_partner_and_the_coordinator_and_never_the_erased_person(
    marked_mia, mailoutbox, django_capture_on_commit_callbacks
):
    mia = marked_mia["mia"]
    address = mia.email
    mailoutbox.clear()  # the world's invitation to her
    with django_capture_on_commit_callbacks(execute=True):
        actions.person_erase(user=mia, by=marked_mia["alice"], organisation=marked_mia["own"])

    mia.refresh_from_db()
    recipients = [r for m in mailoutbox for r in m.to]
    assert address not in recipients and mia.email not in recipients
    assert not [r for r in recipients if r.endswith("@invalid")]
    to_max = [m for m in mailoutbox if marked_mia["max_mentor"].email in m.to]
    assert len(to_max) == 1 and "has left the programme" in to_max[0].body
    to_carol = [m for m in mailoutbox if marked_mia["carol"].email in m.to]
    assert len(to_carol) == 1
    assert "ready to be matched again" not in to_carol[0].body
    for message in mailoutbox:
        assert MARKER not in message.subject + message.body


def test_when_a_mentor_is_erased_the_coordinator_hears_the_mentee_is_ready_again(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.person_erase(user=world["max_mentor"], by=world["alice"], organisation=world["own"])
    to_carol = [m for m in mailoutbox if world["carol"].email in m.to]
    ready, circle = sorted(to_carol, key=lambda m: "no facilitator" in m.subject)
    assert "Mia Mentee is ready to be matched again" in ready.body
    # Max facilitated Mia's circle: the coordinator hears it has none now, and who left is
    # named in neither email.
    assert circle.subject == "Circle 1 has no facilitator"
    assert all("Max" not in m.subject + m.body for m in to_carol)
    to_mia = [m for m in mailoutbox if world["mia"].email in m.to]
    assert len(to_mia) == 1 and "Your mentor has left the programme" in to_mia[0].body


# Finding 6: names in matching runs.


def test_an_erased_persons_name_leaves_matching_runs(world):
    from allied.programmes.models import MatchRun

    run = world["proposal_own"].run
    run.unmatched = [
        {
            "participant": world["mentee_place_own"].pk,
            "reason": "Not matched: 1 mentor would suit Mia Mentee, but all their places "
            "went to others. Smallest change: give Max Mentor one more place.",
            "removed_mentors": [world["mentor_place_own"].pk],
        }
    ]
    run.save()
    birch = world["proposal_other"].run
    birch.unmatched = [{"participant": 1, "reason": "give Max Mentor one more place."}]
    birch.save()

    actions.person_erase(user=world["max_mentor"], by=world["alice"], organisation=world["own"])

    run.refresh_from_db()
    assert run.unmatched[0]["reason"] == (
        "Not matched: 1 mentor would suit Mia Mentee, but all their places went to others. "
        "Smallest change: give a former participant one more place."
    )
    assert run.unmatched[0]["participant"] == world["mentee_place_own"].pk
    assert "Max Mentor" not in str(MatchRun.objects.filter(cohort=world["cohort_own"]).values())
    birch.refresh_from_db()
    assert birch.unmatched[0]["reason"] == "give Max Mentor one more place."


# Finding 12: pseudonymisation reaches only events linked to the person.


def test_a_namesake_in_another_organisation_keeps_their_name_in_the_log(world):
    from allied.audit.log import record

    namesake = record(
        Kind.ROLE_GRANTED, actor=world["olga"], organisation=world["other"], subject="Mia Mentee"
    )
    ours = record(
        Kind.ROLE_GRANTED, actor=world["alice"], organisation=world["own"], subject="Mia Mentee"
    )
    erasure = actions.person_erase(user=world["mia"], by=world["alice"], organisation=world["own"])
    assert AuditEvent.objects.get(pk=namesake.pk).subject == "Mia Mentee"
    assert AuditEvent.objects.get(pk=ours.pk).subject == f"erased person {erasure.pk}"


def test_a_one_word_name_is_not_searched_for(world):
    from allied.audit.log import record

    mia = world["mia"]
    mia.full_name = "Mia"
    mia.save()
    other = record(
        Kind.ROLE_GRANTED, actor=world["alice"], organisation=world["own"], subject="Mia Jones"
    )
    addressed = record(
        Kind.ROLE_GRANTED, actor=world["alice"], organisation=world["own"], to=mia.email
    )
    erasure = actions.person_erase(user=mia, by=world["alice"], organisation=world["own"])
    assert AuditEvent.objects.get(pk=other.pk).subject == "Mia Jones"
    assert AuditEvent.objects.get(pk=addressed.pk).detail == {"to": f"erased person {erasure.pk}"}


# Issue 19, item 6: the partner's calendar hears of every meeting the erasure cancels.


def _calendar(message):
    from allied.mentoring import ics

    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    text = attachment[1]
    return attachment[2], {name: value for name, _, value in ics.parse(text)}, text


@pytest.mark.parametrize("erased,partner", [("mia", "max_mentor"), ("max_mentor", "mia")])
def test_erasure_sends_the_partner_a_cancellation_for_every_planned_meeting(
    world, mailoutbox, django_capture_on_commit_callbacks, erased, partner
):
    from datetime import timedelta

    from django.utils import timezone

    from allied.mentoring import relationship as mentoring

    leaving, staying = world[erased], world[partner]
    # Her full name, first name and address (the personas' surnames are their roles).
    names = [leaving.full_name, leaving.full_name.split()[0], leaving.email]
    relationship = world["relationship_own"]
    soon = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        planned = [
            mentoring.meeting_schedule(
                relationship=relationship,
                by=leaving if days == 0 else staying,  # one arranged by each
                starts_at=soon + timedelta(days=days),
                duration_minutes=60,
                mode="in_person",
                location="Room 4",
            )[0]
            for days in (0, 14)
        ]
    invitations = {
        _calendar(m)[1]["UID"]: _calendar(m)[1] for m in mailoutbox if staying.email in m.to
    }
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.person_erase(user=leaving, by=world["alice"], organisation=world["own"])

    cancellations = [m for m in mailoutbox if m.attachments and staying.email in m.to]
    assert len(cancellations) == len(planned)
    for message in cancellations:
        content_type, fields, text = _calendar(message)
        assert "method=CANCEL" in content_type
        assert fields["METHOD"] == "CANCEL" and fields["STATUS"] == "CANCELLED"
        invitation = invitations[fields["UID"]]
        assert int(fields["SEQUENCE"]) > int(invitation["SEQUENCE"])
        assert fields["DTSTART"] == invitation["DTSTART"]
        assert message.to == [staying.email]
        # The invitation's organiser when that is the partner, else Allied's own address.
        organiser = (
            invitation["ORGANIZER"]
            if invitation["ORGANIZER"].endswith(staying.email)
            else "mailto:no-reply@allied.invalid"
        )
        assert fields["ORGANIZER"] == organiser
        assert fields["ATTENDEE"] == f"mailto:{staying.email}"
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", message.subject + message.body + text)
    assert {_calendar(m)[1]["UID"] for m in cancellations} == set(invitations)


# Issue 19, items 7 and 8: what the partner wrote stays theirs, without the erased name.


def _okafor(world):
    """Mia, with a surname that is not a role (the personas' surnames are their roles)."""
    mia = world["mia"]
    mia.full_name = "Mia Okafor"
    mia.save(update_fields=["full_name"])
    return mia


def test_the_partners_own_private_notes_stay_and_only_the_erased_persons_go(world):
    from allied.programmes.models import PrivateNote

    mia, max_mentor = _okafor(world), world["max_mentor"]
    meeting = world["relationship_own"].meetings.get()
    mine = PrivateNote.objects.get(meeting=meeting, author=max_mentor)
    mine.text = "Felt the session went well; follow up on the band 6 application."
    mine.save(update_fields=["text"])

    actions.person_erase(user=mia, by=world["alice"], organisation=world["own"])

    assert PrivateNote.objects.get(pk=mine.pk).text == mine.text
    assert not PrivateNote.objects.filter(meeting=meeting).exclude(author=max_mentor).exists()


def test_the_erased_name_leaves_what_the_partner_wrote_and_the_record_lists_each_change(world):
    from allied.allyship.models import Answer, Reflection
    from allied.programmes.models import PrivateNote

    mia, max_mentor = _okafor(world), world["max_mentor"]
    note = PrivateNote.objects.get(
        meeting=world["relationship_own"].meetings.get(), author=max_mentor
    )
    note.text = (
        f"MIA seemed low. Okafor's manager (not Miami!) copied {mia.email}; Mia Okafor agreed."
    )
    note.save(update_fields=["text"])
    reflection = Reflection.objects.create(
        author=max_mentor,
        overall="I believed Mia when she described the racism she met.",
        shared_with=world["programme_own"],
    )
    answer = Answer.objects.create(
        reflection=reflection, quality="believing", rating=4, text="Mia Okafor trusted me."
    )
    untouched = Reflection.objects.create(author=max_mentor, overall="About my own learning.")

    erasure = actions.person_erase(user=mia, by=world["alice"], organisation=world["own"])

    assert PrivateNote.objects.get(pk=note.pk).text == (
        "a former participant seemed low. a former participant's manager (not Miami!) copied "
        "a former participant; a former participant agreed."
    )
    assert Reflection.objects.get(pk=reflection.pk).overall == (
        "I believed a former participant when she described the racism she met."
    )
    assert Answer.objects.get(pk=answer.pk).text == "a former participant trusted me."
    assert Reflection.objects.get(pk=untouched.pk).overall == "About my own learning."
    assert erasure.unnamed == [
        {"record": "Private note on a meeting", "id": note.pk},
        {"record": "Allyship reflection", "id": reflection.pk},
        {"record": "Allyship reflection answer", "id": answer.pk},
    ]


# Issue 19, item 10: the preview and the record of an erasure say the same, in plain words.


def test_the_preview_and_the_record_list_the_same_records_in_plain_words(marked_mia, client):
    mia, alice = marked_mia["mia"], marked_mia["alice"]
    preview = actions.erasure_preview(mia)["lines"]
    erasure = actions.person_erase(user=mia, by=alice, organisation=marked_mia["own"])
    result = actions.erasure_lines(erasure.counts)

    assert preview and set(preview) <= set(result)
    for line in result:
        assert "." not in line.name and "_" not in line.name, line
        assert not line.name.endswith(("ss", "ys")) and "-user " not in line.name, line
        assert line.count > 0 and line.what
    # What only the erasure itself can count comes after: the account and the audit log.
    assert {line.name for line in result} - {line.name for line in preview} >= {
        "Account",
        "Audit log entries",
    }

    sign_in(client, alice)
    page = client.get(f"/organisations/{marked_mia['own'].slug}/erasures/{erasure.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for line in preview:
        assert f'<td class="nhsuk-table__cell">{line.name}</td>' in text
    assert "programmes." not in text and "accounts.user" not in text


@pytest.mark.parametrize(
    "name,text,expected",
    [
        # Words that are also names are left alone in lower case; the name is not.
        ("Will May", "I will ask if we may meet. Will came", "I will ask if we may meet. X came"),
        ("Al Smith", "et al. said Al Smith; Smith too", "et al. said X; X too"),
        ("Dr Jane van der Berg", "Dr Patel met Jane van der Berg", "Dr Patel met X"),
        ("Siobhan O'Neil", "O\u2019Neil and O'NEIL", "X and X"),
        ("Anne-Marie Smith-Jones", "Anne, Marie and Smith-Jones", "X, X and X"),
        ("Mia Okafor", "x.okafor@elsewhere.org wrote to MIA", "x.okafor@elsewhere.org wrote to X"),
    ],
)
def test_the_name_is_found_as_people_write_it_and_nothing_else_is(name, text, expected):
    from types import SimpleNamespace

    person = SimpleNamespace(full_name=name, email="someone@example.org")
    assert actions.name_pattern(person).sub("X", text) == expected
