"""A person's own intake, page by page: save as you go, check your answers, submit."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from allied.audit.models import AuditEvent
from allied.core.matching import match_cohort
from allied.matching import engine
from allied.programmes.models import (
    Cohort,
    IntakeQuestion,
    Participant,
    Programme,
    SpecialCategory,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ABOUT = {
    "profession": "occupational_therapist",
    "band": "band_5",
    "work_setting": "nhs",
    "region": "london",
    "career_goals": ["promotion", "leadership"],
    "interests": "stroke rehabilitation; research, teaching",
    "languages": "English, Yoruba",
    "meeting_mode": "online",
    "availability": ["weekday_mornings", "weekday_lunchtimes"],
    "team": "Neuro outpatients",
    "line_manager_email": "Boss@Alder.example",
}
YOU = {
    "values": ["honesty", "kindness"],
    "working_style": ["reflective"],
    "openness_1": "4",
    "openness_2": "2",
    "conscientiousness_1": "5",
    "conscientiousness_2": "3",
}
NEEDS = {
    "needs_need": ["career_direction", "sponsorship"],
    "text_need": "Confidence to apply for a band 6 role",
    "needs_require": ["psychological_safety"],
    "needs_help": [],
    "needs_support": ["networking"],
    "text_support": "Someone who knows the regional networks",
}
OFFER = {
    "offers": ["career_direction", "sponsorship", "networking"],
    "offer_text": "I sit on band 6 interview panels",
    "capacity": "2",
}
PREFERENCES = {
    "profession_kind": "same",
    "profession_strength": "essential",
    "band_kind": "different",
    "band_strength": "important",
    "work_setting_kind": "same",
    "work_setting_strength": "nice_to_have",
    **{
        f"{a}_kind": "none"
        for a in ("region", "gender", "ethnic_group", "languages", "meeting_mode")
    },
}
EQUALITY = {
    "ethnic_group": "black_african",
    "ethnicity_self_description": "Nigerian British",
    "gender": "woman",
    "monitoring_consent": "on",
    "matching_consent": "on",
}
MENTEE_RACE = {"race_conversation": "yes", "race_raised_by": "either", "race_note": "Later on"}
MENTOR_RACE = {"race_comfort": "willing", "race_note": "I would like allyship training"}


@pytest.fixture
def intake(world):
    return open_intake(world)


def open_intake(world):
    """An open cohort of a new Alder programme (without questions of its own) with Mia as a mentee and Max as a mentor, neither
    of whom has started their intake."""
    programme = Programme.objects.create(organisation=world["own"], name="Alder AHP mentoring")
    programme.coordinators.add(world["carol"])
    cohort = Cohort.objects.create(
        programme=programme,
        name="Autumn cohort",
        starts_on=date(2026, 10, 1),
        ends_on=date(2027, 9, 30),
        status=Cohort.Status.INTAKE,
    )
    return {
        "cohort": cohort,
        "mentee": Participant.objects.create(cohort=cohort, user=world["mia"], side="mentee"),
        "mentor": Participant.objects.create(
            cohort=cohort, user=world["max_mentor"], side="mentor"
        ),
    }


def step_url(place, step):
    return reverse("programmes:intake_step", args=[place.pk, step])


def save(client, place, step, data, **extra):
    return client.post(step_url(place, step), data, **extra)


def complete(client, place):
    middle = ("offer", OFFER) if place.is_mentor else ("needs", NEEDS)
    race = MENTOR_RACE if place.is_mentor else MENTEE_RACE
    for step, data in (
        ("about", ABOUT),
        ("you", YOU),
        middle,
        ("preferences", PREFERENCES),
        ("equality", EQUALITY),
        ("race", race),
    ):
        response = save(client, place, step, data)
        assert response.status_code == 302, (step, response.content[:2000])


def test_the_task_list_shows_each_section_the_programme_and_the_four_questions(
    client, world, intake
):
    sign_in(client, world["mia"])
    page = client.get(reverse("programmes:intake", args=[intake["mentee"].pk])).content.decode()
    assert "Alder AHP mentoring" in page and "Autumn cohort" in page
    for question in (
        "What I need?",
        "What can help me?",
        "What can support me?",
        "What I require?",
    ):
        assert question in page
    assert "What you need from mentoring" in page
    assert "What you can offer as a mentor" not in page
    assert "Check your answers and submit" in page
    assert page.count("Not started") == 6


def test_a_mentor_is_asked_for_their_offer_not_their_needs(client, world, intake):
    sign_in(client, world["max_mentor"])
    page = client.get(reverse("programmes:intake", args=[intake["mentor"].pk])).content.decode()
    assert "What you can offer as a mentor" in page
    assert "What you need from mentoring" not in page
    assert client.get(step_url(intake["mentor"], "needs")).status_code == 404


def test_save_and_continue_stores_the_step_and_goes_to_the_next(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(client, mia, "about", ABOUT)
    assert response["Location"] == step_url(mia, "you")
    mia.refresh_from_db()
    assert mia.profession == "occupational_therapist" and mia.band == "band_5"
    assert mia.interests == ["stroke rehabilitation", "research", "teaching"]
    assert mia.languages == ["English", "Yoruba"]
    assert mia.line_manager_email == "boss@alder.example"
    assert mia.availability == ["weekday_mornings", "weekday_lunchtimes"]
    assert mia.intake_step == "about"


def test_save_and_come_back_later_returns_to_the_task_list(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(client, mia, "about", {"profession": "paramedic", "later": "1"})
    assert response["Location"] == reverse("programmes:intake", args=[mia.pk])
    mia.refresh_from_db()
    assert mia.profession == "paramedic"
    page = client.get(response["Location"]).content.decode()
    assert "In progress" in page  # a band is still needed


def test_the_personality_scales_are_stored_as_means_with_the_second_item_reversed(
    client, world, intake
):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    save(client, mia, "you", YOU)
    mia.refresh_from_db()
    assert mia.openness == 4.0  # (4 + (6 - 2)) / 2
    assert mia.conscientiousness == 4.0  # (5 + (6 - 3)) / 2
    assert mia.values == ["honesty", "kindness"]
    # Shown again as a pair with the same mean, so saving without changes keeps it.
    save(client, mia, "you", client.get(step_url(mia, "you")).context["form"].initial)
    mia.refresh_from_db()
    assert (mia.openness, mia.conscientiousness) == (4.0, 4.0)


def test_needs_are_stored_under_the_four_questions_with_own_words(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    save(client, mia, "needs", NEEDS)
    mia.refresh_from_db()
    assert mia.needs_need == ["career_direction", "sponsorship"]
    assert mia.needs_require == ["psychological_safety"]
    assert mia.needs_support == ["networking"]
    assert mia.needs_text == {
        "need": "Confidence to apply for a band 6 role",
        "support": "Someone who knows the regional networks",
    }


def test_a_mentor_offer_stores_topics_and_capacity(client, world, intake):
    max_ = intake["mentor"]
    sign_in(client, world["max_mentor"])
    save(client, max_, "offer", OFFER)
    max_.refresh_from_db()
    assert max_.offers == ["career_direction", "sponsorship", "networking"]
    assert max_.capacity == 2


@pytest.mark.parametrize(
    ("step", "data", "field"),
    [
        ("about", {**ABOUT, "profession": "astronaut"}, "profession"),
        ("about", {**ABOUT, "line_manager_email": "not an email"}, "line_manager_email"),
        ("about", {**ABOUT, "interests": "x" * 5000}, "interests"),
        ("about", {**ABOUT, "career_goals": ["world_domination"]}, "career_goals"),
        (
            "you",
            {**YOU, "values": ["honesty", "humility", "integrity", "courage", "kindness", "faith"]},
            "values",
        ),
        ("you", {**YOU, "openness_2": ""}, "openness_2"),
        ("you", {**YOU, "openness_1": "7"}, "openness_1"),
        ("needs", {**NEEDS, "text_need": "x" * 3000}, "text_need"),
        ("preferences", {**PREFERENCES, "profession_strength": ""}, "profession_strength"),
        ("preferences", {**PREFERENCES, "band_kind": "one_of"}, "band_kind"),
        ("race", {"race_conversation": "maybe"}, "race_conversation"),
    ],
)
def test_invalid_input_saves_nothing_and_shows_the_error_summary(
    client, world, intake, step, data, field
):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    before = Participant.objects.filter(pk=mia.pk).values().get()
    response = save(client, mia, step, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert field in response.context["form"].errors
    assert Participant.objects.filter(pk=mia.pk).values().get() == before


@pytest.mark.parametrize("capacity", ["abc", "-1", "11", "", "1e9", "2.5"])
def test_a_capacity_that_is_not_0_to_10_is_an_error_not_a_crash(client, world, intake, capacity):
    max_ = intake["mentor"]
    sign_in(client, world["max_mentor"])
    response = save(client, max_, "offer", {**OFFER, "capacity": capacity})
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    max_.refresh_from_db()
    assert max_.capacity == 1 and max_.offers == []


def test_an_unknown_step_is_a_404(client, world, intake):
    sign_in(client, world["mia"])
    assert client.get(step_url(intake["mentee"], "nonsense")).status_code == 404
    assert client.post(step_url(intake["mentee"], "offer"), OFFER).status_code == 404


def test_the_furthest_step_is_recorded(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    save(client, mia, "preferences", PREFERENCES)
    save(client, mia, "about", ABOUT)
    mia.refresh_from_db()
    assert mia.intake_step == "preferences"


def test_the_profession_question_is_worded_with_the_persons_own_profession(client, world, intake):
    mia, max_ = intake["mentee"], intake["mentor"]
    sign_in(client, world["mia"])
    save(client, mia, "about", ABOUT)
    page = client.get(step_url(mia, "preferences")).content.decode()
    assert (
        "Would you like your mentor to be an occupational therapist like you, someone from "
        "another profession, or either?" in page
    )
    sign_in(client, world["max_mentor"])
    save(client, max_, "about", {**ABOUT, "profession": "dietitian"})
    page = client.get(step_url(max_, "preferences")).content.decode()
    assert "Would you like your mentee to be a dietitian like you" in page
    assert "I want that challenge" in page


def test_preference_strengths_are_stored_and_read_by_the_engine(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    save(client, mia, "preferences", PREFERENCES)
    mia.refresh_from_db()
    assert mia.preferences["profession"] == {"kind": "same", "strength": "essential"}
    assert mia.preferences["region"] == {"kind": "none", "strength": ""}
    read = {p.attribute: (p.kind, p.strength) for p in engine.preferences_of(mia)}
    assert read == {
        "profession": ("same", "essential"),
        "band": ("different", "important"),
        "work_setting": ("same", "nice_to_have"),
    }


def test_a_stored_one_of_preference_survives_a_save(client, world, intake):
    mia = intake["mentee"]
    mia.preferences = {"region": {"kind": "one_of", "strength": "important", "values": ["london"]}}
    mia.save()
    sign_in(client, world["mia"])
    page = client.get(step_url(mia, "preferences")).content.decode()
    assert "One of these: London" in page
    save(
        client,
        mia,
        "preferences",
        {**PREFERENCES, "region_kind": "one_of", "region_strength": "important"},
    )
    mia.refresh_from_db()
    assert mia.preferences["region"] == {
        "kind": "one_of",
        "strength": "important",
        "values": ["london"],
    }


def test_equality_answers_are_stored_with_both_consents_and_their_time(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(client, mia, "equality", EQUALITY)
    assert response.status_code == 302
    stored = SpecialCategory.objects.get(participant=mia)
    assert (stored.ethnic_group, stored.gender) == ("black_african", "woman")
    assert stored.monitoring_consent and stored.matching_consent
    assert stored.consent_recorded_at is not None
    event = AuditEvent.objects.filter(kind="special_category_recorded").latest("pk")
    assert "black_african" not in str(event.__dict__) and "woman" not in str(event.__dict__)


def test_equality_answers_without_monitoring_consent_are_refused(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(client, mia, "equality", {**EQUALITY, "monitoring_consent": ""})
    assert response.status_code == 200
    assert "agree to equality monitoring" in response.content.decode()
    assert not SpecialCategory.objects.filter(participant=mia).exists()


def test_prefer_not_to_say_needs_no_consent_and_completes_the_section(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(
        client,
        mia,
        "equality",
        {"ethnic_group": "prefer_not_to_say", "gender": "prefer_not_to_say"},
    )
    assert response.status_code == 302
    stored = SpecialCategory.objects.get(participant=mia)
    assert not stored.monitoring_consent and stored.consent_recorded_at is not None
    page = client.get(reverse("programmes:intake", args=[mia.pk])).content.decode()
    assert page.count("Completed") == 1


def test_equality_answers_are_never_shown_on_anyone_elses_page(client, world, intake):
    mia, max_ = intake["mentee"], intake["mentor"]
    sign_in(client, world["mia"])
    save(client, mia, "equality", EQUALITY)
    own = client.get(step_url(mia, "check")).content.decode()
    assert "Nigerian British" in own  # her own answers, on her own page
    for persona in ("max_mentor", "carol", "alice"):
        sign_in(client, world[persona])
        assert client.get(step_url(mia, "check")).status_code == 404
        assert client.get(step_url(mia, "equality")).status_code == 404
    sign_in(client, world["max_mentor"])
    for url in (reverse("programmes:intake", args=[max_.pk]), step_url(max_, "check")):
        page = client.get(url).content.decode()
        assert "Nigerian British" not in page and "African" not in page
    page = client.get(step_url(max_, "equality")).content.decode()
    assert "Nigerian British" not in page
    assert 'value="black_african" selected' not in page and "checked" not in page


def test_race_answers_are_stored_for_each_side(client, world, intake):
    mia, max_ = intake["mentee"], intake["mentor"]
    sign_in(client, world["mia"])
    page = client.get(step_url(mia, "race")).content.decode()
    assert "Nobody is forced" in page
    save(client, mia, "race", MENTEE_RACE)
    mia.refresh_from_db()
    assert (mia.race_conversation, mia.race_raised_by) == ("yes", "either")
    sign_in(client, world["max_mentor"])
    save(client, max_, "race", MENTOR_RACE)
    max_.refresh_from_db()
    assert max_.race_comfort == "willing"


def test_the_programmes_own_questions_are_a_step_only_when_there_are_some(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    assert client.get(step_url(mia, "extra")).status_code == 404
    response = save(client, mia, "race", MENTEE_RACE)
    assert response["Location"] == step_url(mia, "check")
    programme = intake["cohort"].programme
    required = IntakeQuestion.objects.create(
        programme=programme, text="Which site are you based at?", required=True
    )
    optional = IntakeQuestion.objects.create(programme=programme, text="Anything else?")
    IntakeQuestion.objects.create(programme=programme, text="For mentors only", audience="mentor")
    page = client.get(step_url(mia, "extra")).content.decode()
    assert "Which site" in page and "For mentors only" not in page
    assert save(client, mia, "race", MENTEE_RACE)["Location"] == step_url(mia, "extra")
    response = save(client, mia, "extra", {f"q_{optional.pk}": "Nothing"})
    assert "There is a problem" in response.content.decode()
    mia.refresh_from_db()
    assert mia.extra_answers == {}
    save(client, mia, "extra", {f"q_{required.pk}": "St Mary's"})
    mia.refresh_from_db()
    assert mia.extra_answers == {str(required.pk): "St Mary's", str(optional.pk): ""}


def test_submitting_needs_every_section_completed(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    save(client, mia, "about", ABOUT)
    response = client.post(step_url(mia, "check"), follow=True)
    assert "Complete every section before you submit" in response.content.decode()
    mia.refresh_from_db()
    assert mia.status == Participant.Status.INTAKE


def test_submitting_twice_changes_nothing(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    complete(client, mia)
    check = client.get(step_url(mia, "check")).content.decode()
    assert "Submit my intake" in check and "Change" in check
    client.post(step_url(mia, "check"))
    mia.refresh_from_db()
    assert mia.status == Participant.Status.READY
    first = mia.intake_completed_at
    assert first is not None
    response = client.post(step_url(mia, "check"))
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.intake_completed_at == first
    # Answers can still be changed while intake is open, and the place stays ready.
    save(client, mia, "about", {**ABOUT, "band": "band_6"})
    mia.refresh_from_db()
    assert (mia.band, mia.status) == ("band_6", Participant.Status.READY)


def test_completed_intakes_become_the_engines_people_and_are_matched(client, world, intake):
    mia, max_ = intake["mentee"], intake["mentor"]
    for user, place in ((world["mia"], mia), (world["max_mentor"], max_)):
        sign_in(client, user)
        complete(client, place)
        client.post(step_url(place, "check"))
    # Max's own answers: a different team and band 7, so Mia's preference for a different
    # band is met.
    sign_in(client, world["max_mentor"])
    save(client, max_, "about", {**ABOUT, "band": "band_7", "team": "Acute"})
    mentees = engine.ready_people(intake["cohort"], "mentee")
    mentors = engine.ready_people(intake["cohort"], "mentor")
    assert [p.pk for p in mentees] == [mia.pk] and [p.pk for p in mentors] == [max_.pk]
    people_mentees, people_mentors = engine.cohort_people(mentees, mentors)
    mentee = people_mentees[0]
    assert mentee.needs.need == frozenset({"career_direction", "sponsorship"})
    assert mentee.ethnicity_consent is True
    assert people_mentors[0].capacity == 2
    result = match_cohort(
        people_mentees, people_mentors, engine.config_for(intake["cohort"].programme)
    )
    assert [(m.mentee_id, m.mentor_id) for m in result.matches] == [(str(mia.pk), str(max_.pk))]


def test_a_closed_cohort_shows_the_answers_but_takes_no_changes(client, world):
    mia = world["mentee_place_own"]  # in a running cohort
    sign_in(client, world["mia"])
    response = client.get(step_url(mia, "about"))
    assert response["Location"] == step_url(mia, "check")
    page = client.get(step_url(mia, "check")).content.decode()
    assert "Intake for this cohort has closed" in page
    assert "Occupational therapist" in page
    # Only the equality step can still be changed (consent can be withdrawn at any time).
    assert step_url(mia, "about") not in page
    assert step_url(mia, "equality") in page
    response = client.post(step_url(mia, "about"), {**ABOUT, "band": "band_8a"}, follow=True)
    assert "Intake for this cohort has closed" in response.content.decode()
    mia.refresh_from_db()
    assert mia.band == "band_5"


def test_another_persons_place_is_a_404_even_for_the_coordinator(client, world, intake):
    for persona in ("carol", "max_mentor", "alice", "nora"):
        sign_in(client, world[persona])
        assert (
            client.get(reverse("programmes:intake", args=[intake["mentee"].pk])).status_code == 404
        )
        assert save(client, intake["mentee"], "about", ABOUT).status_code == 404
    intake["mentee"].refresh_from_db()
    assert intake["mentee"].profession == ""


def test_gender_is_used_in_matching_only_with_its_own_consent(client, world, intake):
    # Consent to use the ethnic group in matching no longer covers gender (issue 18).
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    form = client.get(step_url(mia, "equality")).content.decode()
    assert "I also agree that my ethnic group can be used in matching" in form
    assert "I also agree that my gender can be used in matching" in form
    assert save(client, mia, "equality", EQUALITY).status_code == 302
    stored = SpecialCategory.objects.get(participant=mia)
    assert stored.matching_consent and not stored.gender_matching_consent
    person = engine.to_mentee(mia, stored)
    assert (person.gender, person.gender_consent) == ("woman", False)
    assert person.matching_values("gender") is None
    assert person.matching_values("ethnic_group") == frozenset({"black_african"})
    check = client.get(step_url(mia, "check")).content.decode()
    assert "Gender used in matching" in check

    save(client, mia, "equality", {**EQUALITY, "gender_matching_consent": "on"})
    stored.refresh_from_db()
    assert stored.gender_matching_consent
    assert engine.to_mentee(mia, stored).matching_values("gender") == frozenset({"woman"})
    event = AuditEvent.objects.filter(kind="special_category_recorded").latest("pk")
    assert event.detail["gender_matching_consent"] is True


def test_consent_to_use_gender_in_matching_needs_monitoring_consent(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = save(
        client,
        mia,
        "equality",
        {"gender": "woman", "gender_matching_consent": "on"},
    )
    assert response.status_code == 200
    assert "To agree to matching, also agree to equality monitoring" in response.content.decode()
    assert not SpecialCategory.objects.filter(participant=mia).exists()


def test_everyone_who_agreed_to_the_one_old_consent_keeps_agreeing_to_both(world, intake):
    """The migration: the old tick box covered the ethnic group and gender together."""
    migration = importlib.import_module("allied.programmes.migrations.0011_gender_matching_consent")
    agreed = SpecialCategory.objects.create(
        participant=intake["mentee"], gender="woman", monitoring_consent=True, matching_consent=True
    )
    refused = SpecialCategory.objects.create(
        participant=intake["mentor"], gender="man", monitoring_consent=True
    )
    migration.copy_the_one_consent(django_apps, None)
    agreed.refresh_from_db()
    refused.refresh_from_db()
    assert agreed.gender_matching_consent and not refused.gender_matching_consent
