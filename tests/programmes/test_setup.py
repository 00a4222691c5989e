"""Programme set-up pages: creating and changing a programme, intake questions, cohorts and
the people in them, and the coordinator's audited view of one person's intake."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allied.accounts.models import Invitation, Role, User
from allied.audit.models import AuditEvent, Kind
from allied.core.matching.model import Weights
from allied.programmes.actions.setup import settings_fingerprint
from allied.programmes.models import Cohort, IntakeQuestion, Participant, Programme
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PROGRAMME = {
    "name": "Allied health mentoring",
    "description": "For AHPs across the trust.",
    "relationship_months": "12",
    "meeting_every_weeks": "4",
    "matching_mode": "shortlist",
    "shortlist_size": "3",
}


def settings_form(programme, **changes) -> dict:
    """The edit form as the page shows it, with `changes`."""
    data = {
        "name": programme.name,
        "description": programme.description,
        "relationship_months": str(programme.relationship_months),
        "meeting_every_weeks": str(programme.meeting_every_weeks),
        "matching_mode": programme.matching_mode,
        "shortlist_size": str(programme.shortlist_size),
        "rule_exclude_same_team": "on",
        "rule_compatible_meeting_mode": "on",
        "coordinators": [str(u.pk) for u in programme.coordinators.all()],
        "fingerprint": settings_fingerprint(programme),
    }
    for name, value in vars(Weights()).items():
        data[f"weight_{name}"] = f"{value:g}"
    data.update(changes)
    return data


# The list and creating a programme --------------------------------------------------------


def test_the_list_offers_creation_to_coordinators_and_shows_their_programmes(client, world):
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert "Alder Trust mentoring" in page
    assert "Birch Council mentoring" not in page
    assert reverse("programmes:create", args=["alder"]) in page


def test_a_mentee_sees_their_programme_but_no_way_to_create_one(client, world):
    sign_in(client, world["mia"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert "Alder Trust mentoring" in page
    assert reverse("programmes:create", args=["alder"]) not in page


def test_a_coordinator_creates_a_programme_and_becomes_its_coordinator(client, world):
    sign_in(client, world["carol"])
    response = client.post(reverse("programmes:create", args=["alder"]), PROGRAMME)
    programme = Programme.objects.get(name="Allied health mentoring")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=[programme.pk])
    assert programme.organisation == world["own"]
    assert programme.matching_mode == "shortlist"
    assert list(programme.coordinators.all()) == [world["carol"]]
    event = AuditEvent.objects.get(kind=Kind.PROGRAMME_CREATED)
    assert event.actor == world["carol"] and event.detail["programme"] == programme.pk


def test_a_double_submitted_programme_or_cohort_is_made_once(client, world):
    sign_in(client, world["carol"])
    form = {**PROGRAMME, "submission": "0b8a5a4e-3f57-4d0a-9d1e-8d3c2f0a6b11"}
    first = client.post(reverse("programmes:create", args=["alder"]), form)
    second = client.post(reverse("programmes:create", args=["alder"]), form)
    programme = Programme.objects.get(name="Allied health mentoring")
    assert first["Location"] == second["Location"]
    cohort = {
        "name": "Autumn 2026",
        "starts_on": "2026-09-01",
        "ends_on": "2027-08-31",
        "submission": "5d6f0e57-0d0c-4a53-b0a4-5f0f3c2b9e42",
    }
    for _ in range(2):
        client.post(reverse("programmes:cohort_create", args=[programme.pk]), cohort)
    assert programme.cohorts.count() == 1


def test_a_programme_with_bad_numbers_is_refused_and_nothing_is_created(client, world):
    sign_in(client, world["alice"])
    before = Programme.objects.count()
    response = client.post(
        reverse("programmes:create", args=["alder"]),
        {**PROGRAMME, "name": "", "relationship_months": "twelve", "shortlist_size": "99"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Enter the programme&#x27;s name" in page
    assert "as a whole number" in page
    assert "must be 10 or less" in page
    assert Programme.objects.count() == before
    assert not AuditEvent.objects.filter(kind=Kind.PROGRAMME_CREATED).exists()


# The programme page ----------------------------------------------------------------------


def test_the_coordinator_sees_settings_and_cohorts_with_counts(client, world):
    sign_in(client, world["carol"])
    response = client.get(reverse("programmes:detail", args=[world["programme_own"].pk]))
    page = response.content.decode()
    assert "Spring cohort" in page
    cohort = response.context["cohorts"][0]
    assert (cohort.mentors, cohort.mentees, cohort.ready, cohort.matched) == (1, 1, 2, 1)
    assert reverse("programmes:edit", args=[world["programme_own"].pk]) in page
    assert reverse("programmes:cohort_create", args=[world["programme_own"].pk]) in page


def test_a_mentee_sees_a_description_and_a_link_to_their_own_intake(client, world):
    sign_in(client, world["mia"])
    page = client.get(reverse("programmes:detail", args=[world["programme_own"].pk])).content
    page = page.decode()
    assert f"/places/{world['mentee_place_own'].pk}/intake/" in page
    assert reverse("programmes:edit", args=[world["programme_own"].pk]) not in page
    assert "Spring cohort" in page


# Settings --------------------------------------------------------------------------------


def test_the_settings_page_shows_the_engines_defaults(client, world):
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:edit", args=[world["programme_own"].pk])).content
    assert b"Default: 3" in page  # the weight of an important preference
    assert b"Never match people in the same team" in page


def test_settings_are_saved_in_the_engines_shape_and_audited(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:edit", args=[programme.pk]),
        settings_form(programme, weight_important="5", rule_mentor_higher_band="on"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.matching_settings["weights"]["important"] == 5.0
    assert programme.matching_settings["rules"]["mentor_higher_band"] is True
    assert programme.matching_settings["rules"]["shared_availability"] is False
    from allied.matching.engine import config_for

    assert config_for(programme).rules.mentor_higher_band is True
    assert AuditEvent.objects.filter(kind=Kind.PROGRAMME_CHANGED).count() == 1


def test_a_negative_or_malformed_weight_changes_nothing(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    for bad in ("-1", "lots", "1e400"):
        response = client.post(
            reverse("programmes:edit", args=[programme.pk]),
            settings_form(programme, weight_needs=bad, name="Renamed"),
        )
        assert response.status_code == 200, bad
        assert "<title>Error: " in response.content.decode()
    programme.refresh_from_db()
    assert programme.name == "Alder Trust mentoring"
    assert programme.matching_settings == {}
    assert not AuditEvent.objects.filter(kind=Kind.PROGRAMME_CHANGED).exists()


def test_coordinators_are_added_from_the_organisations_coordinators(client, world, make_person):
    programme = world["programme_own"]
    colin = make_person("colin@alder.example", "Colin Coordinator", world["own"], Role.COORDINATOR)
    sign_in(client, world["alice"])
    client.post(
        reverse("programmes:edit", args=[programme.pk]),
        settings_form(programme, coordinators=[str(colin.pk)]),
    )
    assert list(programme.coordinators.all()) == [colin]
    # Someone without the coordinator role cannot be made one.
    response = client.post(
        reverse("programmes:edit", args=[programme.pk]),
        settings_form(programme, coordinators=[str(world["mia"].pk)]),
    )
    assert response.status_code == 200
    assert list(programme.coordinators.all()) == [colin]


# Intake questions ------------------------------------------------------------------------


def test_questions_are_added_changed_and_removed(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    url = reverse("programmes:questions", args=[programme.pk])
    client.post(url, {"text": "Anything we should know?", "audience": "mentee", "required": "on"})
    question = programme.intake_questions.get(text="Anything we should know?")
    assert (question.audience, question.required) == ("mentee", True)
    client.post(
        reverse("programmes:question_edit", args=[programme.pk, question.pk]),
        {"text": "Anything else we should know?", "audience": "both"},
    )
    question.refresh_from_db()
    assert (question.text, question.audience, question.required) == (
        "Anything else we should know?",
        "both",
        False,
    )
    delete = reverse("programmes:question_delete", args=[programme.pk, question.pk])
    assert client.post(delete).status_code == 302
    assert client.post(delete).status_code == 302  # a second click changes nothing
    assert not IntakeQuestion.objects.filter(pk=question.pk).exists()


def test_a_question_without_text_or_with_a_strange_audience_is_refused(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    before = programme.intake_questions.count()
    response = client.post(
        reverse("programmes:questions", args=[programme.pk]), {"text": "", "audience": "everyone"}
    )
    assert response.status_code == 200
    assert b"Enter the question" in response.content
    assert programme.intake_questions.count() == before


def test_another_programmes_question_is_not_found(client, world):
    sign_in(client, world["carol"])
    url = reverse(
        "programmes:question_edit",
        args=[world["programme_own"].pk, world["question_other"].pk],
    )
    assert client.get(url).status_code == 404


# Cohorts ---------------------------------------------------------------------------------


def test_a_cohort_is_added_with_its_intake_open(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:cohort_create", args=[programme.pk]),
        {"name": "Autumn 2026", "starts_on": "2026-09-01", "ends_on": "2027-08-31"},
    )
    cohort = programme.cohorts.get(name="Autumn 2026")
    assert response["Location"] == reverse("programmes:cohort", args=[cohort.pk])
    assert cohort.status == Cohort.Status.INTAKE
    assert cohort.starts_on == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        ("2026-09-01", "2026-09-01", b"The end date must be after the start date"),
        ("2026-09-01", "2025-01-01", b"The end date must be after the start date"),
        ("2026-02-30", "2027-01-01", b"Enter a real date"),
    ],
)
def test_a_cohort_that_does_not_end_after_it_starts_is_refused(
    client, world, starts_on, ends_on, message
):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:cohort_create", args=[programme.pk]),
        {"name": "Backwards", "starts_on": starts_on, "ends_on": ends_on},
    )
    assert response.status_code == 200
    assert message in response.content
    assert not programme.cohorts.filter(name="Backwards").exists()


def test_the_cohort_is_moved_on(client, world):
    cohort = world["cohort_own"]
    cohort.relationships.update(status="ended")  # a cohort finishes once its pairs have
    sign_in(client, world["carol"])
    client.post(reverse("programmes:cohort_status", args=[cohort.pk]), {"status": "finished"})
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINISHED
    response = client.post(
        reverse("programmes:cohort_status", args=[cohort.pk]), {"status": "party"}
    )
    assert response.status_code == 200
    assert b"Choose a status from the list" in response.content
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINISHED


def test_a_cohort_that_does_not_exist_is_not_found(client, world):
    sign_in(client, world["carol"])
    assert client.get(reverse("programmes:cohort", args=[999999])).status_code == 404


def test_the_cohort_page_lists_everyone_without_special_category_data(client, world):
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:cohort", args=[cohort.pk])).content.decode()
    assert "Mia Mentee" in page and "Max Mentor" in page
    assert "Black" not in page and "Woman" not in page
    assert not AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).exists()


def test_the_cohort_page_finds_people_by_name_and_state_and_lists_invitations(client, world):
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    client.post(
        reverse("programmes:cohort_invite", args=[cohort.pk]),
        {"email": "nia@alder.example", "side": "mentee"},
    )
    url = reverse("programmes:cohort", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert "Invited, not yet joined" in page and "nia@alder.example" in page
    found = client.get(url, {"q": "mia"}).content.decode()
    assert "Mia Mentee" in found and "Max Mentor" not in found
    assert "nia@alder.example" not in found
    Participant.objects.filter(cohort=cohort, user=world["mia"]).update(
        status="intake", intake_step=""
    )
    Participant.objects.filter(cohort=cohort, user=world["max_mentor"]).update(
        status="intake", intake_step="about"
    )
    shown = client.get(url).content.decode()
    assert "Not started" in shown and "Intake in progress" in shown
    states = {"not_started": "Mia Mentee", "intake": "Max Mentor"}
    for state, name in states.items():
        page = client.get(url, {"state": state}).content.decode()
        assert name in page and all(other not in page for other in set(states.values()) - {name})
        assert "Invited, not yet joined" not in page
    # Anything else is everyone; a NUL in the search changes nothing.
    assert "Mia Mentee" in client.get(url, {"state": "x", "q": "\x00"}).content.decode()


def test_members_are_added_on_the_side_of_their_role(client, world, make_person):
    cohort = world["cohort_own"]
    mo = make_person("mo@alder.example", "Mo Mentee", world["own"], Role.MENTEE)
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:cohort", args=[cohort.pk])).content.decode()
    assert f'value="{mo.pk}:mentee"' in page
    assert f'value="{world["mia"].pk}:mentee"' not in page  # already in the cohort
    response = client.post(
        reverse("programmes:cohort_add", args=[cohort.pk]), {"people": [f"{mo.pk}:mentee"]}
    )
    assert response.status_code == 302
    place = cohort.participants.get(user=mo)
    assert (place.side, place.status) == ("mentee", Participant.Status.INTAKE)


def test_a_person_outside_the_list_cannot_be_added(client, world):
    cohort = world["cohort_own"]
    before = cohort.participants.count()
    sign_in(client, world["carol"])
    for choice in (f"{world['olga'].pk}:mentor", f"{world['mia'].pk}:mentee", "x"):
        response = client.post(
            reverse("programmes:cohort_add", args=[cohort.pk]), {"people": [choice]}
        )
        assert response.status_code == 200, choice
        assert b"Choose people from the list" in response.content
    assert cohort.participants.count() == before


def _link(message) -> str:
    return next(line for line in message.body.splitlines() if "://" in line).split("testserver")[-1]


def test_an_invitation_to_a_cohort_names_it_and_leads_to_the_intake(client, world):
    # Issue 18: the invitation named only the organisation, and accepting it led to an empty
    # dashboard while the coordinator still had to add the person to the cohort by hand.
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:cohort_invite", args=[cohort.pk]),
        {"email": "new.mentor@alder.example", "side": "mentor"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.mentor@alder.example")
    assert (invitation.organisation, invitation.role) == (world["own"], Role.MENTOR)
    (sent,) = [m for m in mail.outbox if m.to == ["new.mentor@alder.example"]]
    joining = f"the {cohort.name} of {cohort.programme.name} as a mentor"
    assert joining in sent.subject and joining in sent.body
    assert "Your first step: complete your intake" in sent.body
    assert not cohort.participants.filter(user__email="new.mentor@alder.example").exists()

    client.logout()
    link = _link(sent)
    page = client.get(link).content.decode()
    assert joining in page and "complete your intake" in page
    accepted = client.post(
        link,
        {
            "full_name": "Nia New",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    place = cohort.participants.get(user__email="new.mentor@alder.example", side="mentor")
    # Straight to her intake in that cohort.
    assert accepted.status_code == 302
    landed = client.get(accepted["Location"])
    assert landed.status_code == 302
    assert landed["Location"] == reverse("programmes:intake", args=[place.pk])
    # Accepting again (another tab) adds nothing more.
    assert cohort.participants.filter(user__email="new.mentor@alder.example").count() == 1


def test_an_invitation_to_a_cohort_that_has_gone_still_makes_the_account(client, world):
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    client.post(
        reverse("programmes:cohort_invite", args=[cohort.pk]),
        {"email": "late@alder.example", "side": "mentee"},
    )
    (sent,) = [m for m in mail.outbox if m.to == ["late@alder.example"]]
    Invitation.objects.filter(email="late@alder.example").update(
        then={"cohort": 987654, "side": "mentee"}
    )
    client.logout()
    body = {
        "full_name": "Lee Late",
        "password1": "a long enough pass",
        "password2": "a long enough pass",
    }
    accepted = client.post(_link(sent), body)
    assert accepted.status_code == 302
    # No place anywhere; the landing page says so on the dashboard, without naming a cohort.
    assert not Participant.objects.filter(user__email="late@alder.example").exists()
    landed = client.get(accepted["Location"], follow=True)
    assert landed.redirect_chain[-1][0] == reverse("web:dashboard")
    assert "You do not have a place in that cohort" in landed.content.decode()


def test_an_invitation_withdrawn_while_its_page_is_open_makes_nothing(client, world):
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    client.post(
        reverse("programmes:cohort_invite", args=[cohort.pk]),
        {"email": "gone@alder.example", "side": "mentee"},
    )
    (sent,) = [m for m in mail.outbox if m.to == ["gone@alder.example"]]
    client.logout()
    link = _link(sent)
    assert client.get(link).status_code == 200  # the page is shown while it is open
    invitation = Invitation.objects.get(email="gone@alder.example")
    # Withdrawn before the form is sent: the view found it open; the action refuses it.
    from allied.accounts import actions as account_actions

    with pytest.raises(account_actions.InvitationClosed):
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        account_actions.invitation_accept(invitation=invitation, user=world["carol"])
    assert not cohort.participants.filter(user=world["carol"], side="mentee").exists()
    body = {
        "full_name": "Gil Gone",
        "password1": "a long enough pass",
        "password2": "a long enough pass",
    }
    assert client.post(link, body).status_code == 404
    assert not User.objects.filter(email="gone@alder.example").exists()


def test_inviting_a_member_with_the_role_adds_them_and_tells_them(
    client, world, make_person, django_capture_on_commit_callbacks
):
    cohort = world["cohort_own"]
    mo = make_person("mo@alder.example", "Mo Mentor", world["own"], Role.MENTOR)
    sign_in(client, world["carol"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmes:cohort_invite", args=[cohort.pk]),
            {"email": "MO@alder.example", "side": "mentor"},
        )
    place = cohort.participants.get(user=mo, side="mentor")
    assert not Invitation.objects.filter(email="mo@alder.example").exists()
    (told,) = [m for m in mail.outbox if m.to == ["mo@alder.example"]]
    assert f"the {cohort.name} of {cohort.programme.name} as a mentor" in told.subject
    assert reverse("programmes:intake", args=[place.pk]) in told.body


def test_a_mentor_is_marked_as_allyship_trained_by_the_coordinator(client, world):
    cohort, place = world["cohort_own"], world["mentor_place_own"]
    sign_in(client, world["carol"])
    url = reverse("programmes:person_trained", args=[cohort.pk, place.pk])
    client.post(url, {"trained": "yes"})
    place.refresh_from_db()
    assert place.allyship_trained is True
    client.post(url, {"trained": "no"})
    place.refresh_from_db()
    assert place.allyship_trained is False


def test_a_mentee_cannot_be_marked_as_trained(client, world):
    cohort, place = world["cohort_own"], world["mentee_place_own"]
    sign_in(client, world["carol"])
    client.post(
        reverse("programmes:person_trained", args=[cohort.pk, place.pk]), {"trained": "yes"}
    )
    place.refresh_from_db()
    assert place.allyship_trained is False


def test_another_cohorts_person_is_not_found(client, world):
    sign_in(client, world["carol"])
    url = reverse(
        "programmes:person_trained",
        args=[world["cohort_own"].pk, world["mentor_place_other"].pk],
    )
    assert client.post(url, {"trained": "yes"}).status_code == 404
    world["mentor_place_other"].refresh_from_db()
    assert world["mentor_place_other"].allyship_trained is False


# One person's intake ---------------------------------------------------------------------


def test_reading_a_persons_intake_shows_and_audits_their_special_category_data(client, world):
    cohort, place = world["cohort_own"], world["mentee_place_own"]
    sign_in(client, world["carol"])
    page = client.get(reverse("programmes:person", args=[cohort.pk, place.pk])).content.decode()
    assert "Special category data, visible to coordinators only" in page
    assert "Black" in page  # the ONS label of black_african
    assert "Occupational therapist" in page
    event = AuditEvent.objects.get(kind=Kind.SPECIAL_CATEGORY_VIEWED)
    assert event.actor == world["carol"]
    assert event.subject == "intake review"
    assert event.detail["participants"] == [place.pk]
    assert "black" not in str(event.detail).lower()


def test_a_mentee_cannot_read_another_persons_intake(client, world):
    cohort, place = world["cohort_own"], world["mentor_place_own"]
    sign_in(client, world["mia"])
    assert client.get(reverse("programmes:person", args=[cohort.pk, place.pk])).status_code == 403
    assert not AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).exists()
