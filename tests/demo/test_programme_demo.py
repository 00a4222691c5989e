"""The demo mentoring programme: loaded twice without duplicates, a running pair with their
records, an autumn cohort the matching engine can match, and a history of finished cohorts
large enough for the dashboard to show real figures."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from allied.accounts.models import Membership, User
from allied.audit.models import AuditEvent, Kind
from allied.core.matching import match_cohort
from allied.demo import history as history_demo
from allied.demo import organisation as organisation_demo
from allied.demo import programmes as demo
from allied.demo.organisation import DOMAIN
from allied.matching.engine import cohort_people, config_for, ready_people
from allied.programmes.models import (
    Agreement,
    CareerOutcome,
    Cohort,
    Goal,
    GoalAction,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
    SpecialCategory,
    SponsorshipAction,
)
from allied.reports import measures
from allied.reports.models import WorkforceFigure
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


MODELS = (
    User,
    Membership,
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
    Review,
    CareerOutcome,
    WorkforceFigure,
)


def counts() -> dict:
    return {
        **{model.__name__: model.objects.count() for model in MODELS},
        "recorded": AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_RECORDED).count(),
    }


def test_loading_twice_changes_nothing():
    organisation_demo.load_demo()
    first = counts()
    organisation_demo.load_demo()

    assert counts() == first
    assert first["Programme"] == 1 and first["Cohort"] == 5


def test_the_spring_pair_meets_under_a_signed_agreement():
    organisation_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    relationship = Relationship.objects.get(cohort__name=demo.SPRING)  # the only pair there

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
    organisation_demo.load_demo()
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
    organisation_demo.load_demo()
    cohort = Cohort.objects.get(name=demo.AUTUMN)
    mentees, mentors = cohort_people(ready_people(cohort, "mentee"), ready_people(cohort, "mentor"))

    result = match_cohort(mentees, mentors, config_for(cohort.programme))

    assert len(result.matches) >= 12


def test_the_demo_command_still_prints_the_sign_ins_and_the_programme(capsys):
    call_command("demo")
    out = capsys.readouterr().out

    assert "mentee@northbrook.example" in out
    assert demo.PROGRAMME in out


# The history: past cohorts with enough people for the dashboard to show real figures.

HISTORY = [cohort.name for cohort in history_demo.COHORTS]


def test_the_history_is_three_finished_cohorts_of_a_few_hundred_people():
    organisation_demo.load_demo()
    past = Cohort.objects.filter(name__in=HISTORY)
    places = Participant.objects.filter(cohort__in=past)
    pairs = Relationship.objects.filter(cohort__in=past)

    assert sorted(past.values_list("status", flat=True)) == ["finished"] * 3
    assert places.count() >= 250
    assert places.filter(status=Participant.Status.INTAKE).count() >= 8 * 3
    assert len({p.profession for p in places}) >= 12
    assert {p.band for p in places.filter(side="mentee")} >= {"band_5", "band_6", "band_7"}
    assert {p.work_setting for p in places} >= {"nhs", "social_care", "independent_sector"}
    assert (
        places.filter(side="mentor").values("user").distinct().count()
        < places.filter(side="mentor").count()
    )  # some mentors come back year after year
    endings = {(r.status, r.ending) for r in pairs}
    assert endings == {
        ("ended", "completed"),
        ("ended", "no_fault"),
        ("declined", ""),
        ("withdrawn", ""),
    }
    assert not pairs.filter(status__in=Relationship.HOLDS_PLACE).exists()
    held = Meeting.objects.filter(relationship__in=pairs, status="held")
    assert held.count() > 1000
    assert held.latest("starts_at").starts_at < timezone.now()
    reviews = Review.objects.filter(relationship__in=pairs)
    assert {r.side for r in reviews} == {"mentee", "mentor"}
    assert {r.expectations_met for r in reviews} == {"yes", "partly"}
    outcomes = CareerOutcome.objects.filter(participant__in=places)
    assert {o.status for o in outcomes} == {"confirmed", "pending", "not_confirmed"}
    assert outcomes.filter(status="confirmed", decided_by__email=f"coordinator@{DOMAIN}").exists()
    answers = SpecialCategory.objects.filter(participant__in=places)
    assert places.count() * 0.8 < answers.count() < places.count()
    assert answers.filter(ethnic_group="prefer_not_to_say").exists()
    assert answers.filter(matching_consent=True).exists()
    assert not answers.filter(monitoring_consent=False).exists()


def test_the_demo_people_take_no_part_in_the_history():
    organisation_demo.load_demo()
    demo_emails = {p.email for p in organisation_demo.demo_people()}
    history = Participant.objects.filter(cohort__name__in=HISTORY)

    assert not history.filter(user__email__in=demo_emails).exists()
    assert not history.filter(user__password__startswith="pbkdf2").exists()
    assert all(
        not user.has_usable_password() for user in User.objects.filter(programme_places__in=history)
    )


def test_the_history_is_planned_the_same_way_every_time():
    first, second = history_demo.history_plan(), history_demo.history_plan()

    assert first.places == second.places
    assert first.pairs == second.pairs
    assert first.meetings == second.meetings
    assert first.outcomes == second.outcomes


def test_the_history_loads_in_bulk_and_a_second_load_only_looks(django_assert_max_num_queries):
    organisation_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")

    with django_assert_max_num_queries(30):
        history_demo.load_history(programme, programme.organisation, coordinator)


def test_the_dashboard_shows_real_figures_for_the_demo(client):
    organisation_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    sign_in(client, User.objects.get(email=f"coordinator@{DOMAIN}"))

    response = client.get(reverse("reports:dashboard", args=[programme.pk]))

    assert response.status_code == 200
    board = measures.dashboard(programme)
    whole = board.scopes[measures.ALL]
    for key in (
        "recruitment.mentor.registered",
        "matching.unmatched",
        "engagement.meetings",
        "retention.completed",
        "retention.no_fault",
        "acceptability.expectations.yes",
    ):
        assert whole.shown[key].isdigit() and int(whole.shown[key]) >= 10, key
    assert whole.meetings_percent.endswith("%")
    assert whole.median_days_to_match.isdigit()
    assert all(value != "*" for _, value in whole.ratings)
    # Most months are shown. The first months, when only the first cohort met, are that
    # cohort's figures too, and share their fate with them (docs/decisions/0008).
    assert sum(value.isdigit() for _, value in whole.months) >= 15
    # A past cohort shows most of its figures; a few are hidden where two of them, one inside
    # the other, would differ by a handful of people.
    for cohort in board.cohorts:
        if cohort.name in HISTORY:
            shown = board.scopes[f"cohort-{cohort.pk}"].shown
            assert shown["recruitment.mentee.registered"].isdigit(), cohort.name
            headline = ("matching.matched", "retention.completed", "acceptability.reviewed")
            assert sum(shown[key].isdigit() for key in headline) >= 2, cohort.name
    # The breakdowns show real figures for the larger groups.
    ethnicity = board.breakdown(measures.ALL, "ethnicity")
    assert sum(row.value("registered").isdigit() for row in ethnicity.rows) >= 3


def test_the_coordinator_opens_the_past_cohorts_and_their_pairs(client):
    organisation_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    sign_in(client, User.objects.get(email=f"coordinator@{DOMAIN}"))

    assert client.get(reverse("programmes:detail", args=[programme.pk])).status_code == 200
    for cohort in Cohort.objects.filter(name__in=HISTORY):
        assert client.get(reverse("programmes:cohort", args=[cohort.pk])).status_code == 200
        pair = cohort.relationships.filter(ending="completed").first()
        page = client.get(reverse("programmes:relationship", args=[pair.pk]))
        assert page.status_code == 200


def test_the_demo_dashboard_compares_mentees_with_the_workforce():
    organisation_demo.load_demo()
    programme = Programme.objects.get(name=demo.PROGRAMME)
    assert programme.workforce_figures.count() == 6
    comparison = measures.dashboard(programme).comparison(measures.ALL)
    assert comparison is not None and comparison.workforce_total == "1800"
    # The likelihood lines are worked out from shown figures, so the demo has enough people.
    assert any("times as likely" in line for line in comparison.lines), comparison.lines
