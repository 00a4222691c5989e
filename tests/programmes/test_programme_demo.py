"""The demo mentoring programme: loaded twice without duplicates, a running pair with their
records, and an autumn cohort the matching engine can match."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from allied.accounts import demo as accounts_demo
from allied.audit.models import AuditEvent, Kind
from allied.core.matching import match_cohort
from allied.programmes import demo
from allied.programmes.engine import cohort_people, config_for, ready_people
from allied.programmes.models import (
    Agreement,
    Cohort,
    Goal,
    GoalAction,
    Meeting,
    Participant,
    Programme,
    Relationship,
    SpecialCategory,
    SponsorshipAction,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Programme,
    Cohort,
    Participant,
    SpecialCategory,
    Relationship,
    Agreement,
    Meeting,
    Goal,
    GoalAction,
    SponsorshipAction,
)


def counts() -> dict:
    return {
        **{model.__name__: model.objects.count() for model in MODELS},
        "recorded": AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_RECORDED).count(),
    }


def test_loading_twice_changes_nothing():
    accounts_demo.load_demo()
    first = counts()
    accounts_demo.load_demo()

    assert counts() == first
    assert first["Programme"] == 1 and first["Cohort"] == 2


def test_the_spring_pair_meets_under_a_signed_agreement():
    accounts_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    relationship = Relationship.objects.get(cohort__name=demo.SPRING)

    assert programme.coordinators.filter(email="coordinator@northbrook.example").exists()
    assert programme.matching_mode == "coordinator"
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.mentor.user.email == "mentor@northbrook.example"
    assert relationship.mentee.user.email == "mentee@northbrook.example"
    assert relationship.agreement.signed_by_both
    statuses = sorted(relationship.meetings.values_list("status", flat=True))
    assert statuses == ["held", "held", "scheduled"]
    assert relationship.goals.get().actions.count() >= 2
    confirmed = [s.confirmed_at is not None for s in relationship.sponsorship.all()]
    assert sorted(confirmed) == [False, True]


def test_the_autumn_cohort_has_complete_varied_intakes_and_two_in_progress():
    accounts_demo.load_demo()
    cohort = Cohort.objects.get(name=demo.AUTUMN)
    mentors = ready_people(cohort, "mentor")
    mentees = ready_people(cohort, "mentee")

    assert cohort.status == Cohort.Status.INTAKE
    assert len(mentors) == 12 and len(mentees) >= 19
    assert cohort.participants.filter(status=Participant.Status.INTAKE).count() == 2
    assert {m.capacity for m in mentors} == {1, 2, 3}
    assert len({p.profession for p in mentees}) >= 10
    assert all(p.band.startswith("band_") for p in [*mentors, *mentees])
    strengths = {
        stated["strength"]
        for p in mentees
        for stated in p.preferences.values()
        if stated["kind"] != "none"
    }
    assert strengths == {"essential", "important", "nice_to_have"}
    answers = SpecialCategory.objects.filter(participant__cohort=cohort)
    assert answers.count() >= 25
    assert answers.filter(matching_consent=True).exists()
    assert answers.filter(matching_consent=False).exists()
    assert answers.filter(ethnic_group="prefer_not_to_say").exists()


def test_the_coordinator_can_match_the_autumn_cohort():
    accounts_demo.load_demo()
    cohort = Cohort.objects.get(name=demo.AUTUMN)
    mentees, mentors = cohort_people(ready_people(cohort, "mentee"), ready_people(cohort, "mentor"))

    result = match_cohort(mentees, mentors, config_for(cohort.programme))

    assert len(result.matches) >= 12


def test_the_demo_command_still_prints_the_sign_ins_and_the_programme(capsys):
    call_command("demo")
    out = capsys.readouterr().out

    assert "mentee@northbrook.example" in out
    assert demo.PROGRAMME in out
