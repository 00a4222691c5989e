"""Retention: `allied tick` erases the places of a programme whose last cohort ended more than
its retention period ago, keeps people's accounts and their other programmes, and records
what it removed."""

from __future__ import annotations

from datetime import date

import pytest

from allied.allyship.models import Reflection
from allied.audit.models import AuditEvent, Kind
from allied.commands import tick
from allied.programmes.models import Cohort, Participant, Relationship, SpecialCategory
from allied.rights import actions
from allied.rights.models import Erasure, RetentionPolicy

pytestmark = pytest.mark.django_db

# The world's spring cohorts end on 31 March 2027; 12 months on is 31 March 2028.
AFTER = date(2028, 4, 1)


def keep_for(programme, months, *, finished=True):
    """Gives the programme a retention period and, unless `finished` is False, marks its
    cohorts finished and its mentoring ended (retention never touches a running cohort)."""
    if finished:
        finish(programme)
    return RetentionPolicy.objects.create(programme=programme, months=months)


def finish(programme):
    Cohort.objects.filter(programme=programme).update(status=Cohort.Status.FINISHED)
    Relationship.objects.filter(
        cohort__programme=programme, status__in=Relationship.HOLDS_PLACE
    ).update(status=Relationship.Status.ENDED)


def test_a_programme_past_its_period_loses_its_personal_data(world):
    keep_for(world["programme_own"], 12)
    mentee = world["mentee_place_own"]

    counts = actions.retention_apply(today=AFTER)

    assert counts["programmes"] == 1 and counts["places"] == 2 and counts["rows"] > 0
    mentee.refresh_from_db()
    assert (mentee.profession, mentee.needs_need) == ("", [])
    assert not SpecialCategory.objects.filter(participant=mentee).exists()
    world["meeting_own"].refresh_from_db()
    assert world["meeting_own"].shared_notes == ""
    world["mia"].refresh_from_db()
    assert world["mia"].is_active and world["mia"].full_name == "Mia Mentee"
    event = AuditEvent.objects.get(kind=Kind.RETENTION_APPLIED)
    assert event.detail["places"] == 2 and event.organisation == world["own"]
    # The other side's programme has no policy: untouched.
    assert world["mentee_place_other"].__class__.objects.get(
        pk=world["mentee_place_other"].pk
    ).profession == ("occupational_therapist")


def test_nothing_happens_within_the_period_or_without_a_policy(world):
    keep_for(world["programme_own"], 12)
    assert actions.retention_apply(today=date(2028, 3, 31))["places"] == 0
    RetentionPolicy.objects.update(months=None)
    assert actions.retention_apply(today=date(2040, 1, 1))["places"] == 0
    assert not Erasure.objects.exists()


def test_a_programme_with_a_cohort_still_to_end_is_kept(world):
    keep_for(world["programme_own"], 1)
    Cohort.objects.create(
        programme=world["programme_own"],
        name="Later",
        starts_on=date(2028, 1, 1),
        ends_on=date(2029, 1, 1),
        status=Cohort.Status.FINISHED,
    )
    assert actions.retention_apply(today=AFTER)["places"] == 0


def test_a_cohort_not_marked_finished_keeps_the_programme_whatever_its_dates(world):
    """Finding 7: dates alone are not enough; a cohort still running is never erased."""
    keep_for(world["programme_own"], 1, finished=False)
    Relationship.objects.filter(cohort__programme=world["programme_own"]).update(
        status=Relationship.Status.ENDED
    )
    assert world["cohort_own"].status == Cohort.Status.RUNNING
    assert actions.retention_apply(today=date(2040, 1, 1))["places"] == 0
    world["mentee_place_own"].refresh_from_db()
    assert world["mentee_place_own"].profession == "occupational_therapist"
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("status", Relationship.HOLDS_PLACE)
def test_mentoring_still_current_keeps_the_programme(world, status):
    """Finding 7: a finished cohort with mentoring still requested, in conversation or active
    is kept too."""
    keep_for(world["programme_own"], 1)
    Relationship.objects.filter(pk=world["relationship_own"].pk).update(status=status)
    assert actions.retention_apply(today=date(2040, 1, 1))["places"] == 0
    assert not Erasure.objects.exists()


def test_applying_twice_erases_nothing_more(world):
    keep_for(world["programme_own"], 12)
    actions.retention_apply(today=AFTER)
    again = actions.retention_apply(today=AFTER)
    assert again == {"programmes": 0, "places": 0, "rows": 0}
    assert AuditEvent.objects.filter(kind=Kind.RETENTION_APPLIED).count() == 1


def test_reflections_stay_while_the_person_has_another_live_programme(world):
    """Mia's allyship reflection (from the world) stays while she holds a place in a
    programme that still keeps data, and goes with her last one."""
    from allied.programmes.models import Programme

    keep_for(world["programme_own"], 12)
    other = Programme.objects.create(organisation=world["own"], name="Second programme")
    cohort = Cohort.objects.create(
        programme=other, name="Now", starts_on=date(2028, 1, 1), ends_on=date(2029, 1, 1)
    )
    place = Participant.objects.create(
        cohort=cohort, user=world["mia"], side="mentee", profession="pharmacist"
    )
    assert Reflection.objects.filter(author=world["mia"]).exists()

    actions.retention_apply(today=AFTER)

    place.refresh_from_db()
    assert place.profession == "pharmacist"
    assert Reflection.objects.filter(author=world["mia"]).exists()

    keep_for(other, 1)  # the second programme ends too, and its period passes
    actions.retention_apply(today=date(2029, 3, 1))
    place.refresh_from_db()
    assert place.profession == ""
    assert not Reflection.objects.filter(author=world["mia"]).exists()


def test_safeguarding_concerns_are_kept_and_listed(world):
    from allied.programmes.models import Concern

    kept = Concern.objects.create(
        programme=world["programme_own"],
        relationship=world["relationship_own"],
        raised_by=world["max_mentor"],
        safeguarding=True,
        text="Worried",
    )
    keep_for(world["programme_own"], 12)
    actions.retention_apply(today=AFTER)
    kept.refresh_from_db()
    assert kept.text == "Worried"
    erasure = Erasure.objects.get()
    assert erasure.retained[0]["id"] == kept.pk


def test_tick_applies_retention_and_says_so(world, capsys):
    keep_for(world["programme_own"], 1)
    Cohort.objects.filter(programme=world["programme_own"]).update(
        starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)
    )
    assert tick.tick_once() == 0
    out = capsys.readouterr().out
    assert "Retention periods applied: 2 places erased in 1 programmes." in out
    assert tick.tick_once(quiet_when_idle=True) == 0
    assert "Retention" not in capsys.readouterr().out


def test_retention_detaches_every_place_from_the_person(world):
    """Finding 2: after retention nothing in the programme leads back to a named person:
    each place, and each record that named its holder, points at a placeholder account."""
    from django.contrib.auth import get_user_model

    from allied.programmes.models import CareerOutcome, GoalUpdate, Meeting, Review

    programme = world["programme_own"]
    mia, max_mentor, carol = world["mia"], world["max_mentor"], world["carol"]
    meeting = world["meeting_own"]
    Meeting.objects.filter(pk=meeting.pk).update(created_by=mia, logged_by=max_mentor)
    GoalUpdate.objects.create(goal=world["goal_own"], author=mia, text="Applied")
    outcome = CareerOutcome.objects.create(
        participant=world["mentee_place_own"],
        **_outcome_fields(),
        decided_by=carol,
    )
    keep_for(programme, 12)

    actions.retention_apply(today=AFTER)

    places = Participant.objects.filter(cohort__programme=programme)
    assert places.count() == 2
    holders = set(places.values_list("user", flat=True))
    assert not holders & {mia.pk, max_mentor.pk}
    assert len(holders) == 2  # one placeholder for each person
    for placeholder in get_user_model().objects.filter(pk__in=holders):
        assert not placeholder.is_active and not placeholder.has_usable_password()
        assert placeholder.full_name == actions.PLACEHOLDER_NAME
        assert not placeholder.memberships.exists()
        assert mia.full_name not in placeholder.email and "mia" not in placeholder.email
    named = {mia.pk, max_mentor.pk}
    meeting.refresh_from_db()
    assert meeting.created_by_id not in named and meeting.logged_by_id not in named
    assert not Review.objects.filter(relationship__cohort__programme=programme, author__in=named)
    assert not GoalUpdate.objects.filter(goal__relationship__cohort__programme=programme).filter(
        author__in=named
    )
    review = Review.objects.get(pk=world["review_own"].pk)
    assert (
        review.author_id
        == world["mentee_place_own"].__class__.objects.get(pk=world["mentee_place_own"].pk).user_id
    )  # still the mentee's, but the mentee is no longer anyone
    assert review.trust == 5  # the figure stays
    outcome.refresh_from_db()
    assert outcome.decided_by_id == carol.pk  # the coordinator's decision stays theirs
    # The people keep their accounts; their copies no longer hold the programme.
    mia.refresh_from_db()
    assert mia.is_active and mia.full_name == "Mia Mentee"
    assert not Participant.objects.filter(user=mia, cohort__programme=programme).exists()
    copy = actions.subject_access(person=mia, by=mia)
    assert programme.name not in str(copy["sections"])


def _outcome_fields() -> dict:
    """The smallest valid career step, whatever its required fields are."""
    from allied.programmes.models import CareerOutcome

    fields = {}
    for f in CareerOutcome._meta.concrete_fields:
        if f.primary_key or f.is_relation or f.blank or f.has_default() or f.null:
            continue
        if f.choices:
            fields[f.name] = f.choices[0][0]
        elif f.get_internal_type() == "DateField":
            fields[f.name] = date(2027, 1, 1)
        else:
            fields[f.name] = "x"
    return fields


def test_retained_safeguarding_concerns_keep_who_they_concern(world):
    """Places are detached, so the erasure record keeps the names a retained safeguarding
    concern needs, under the same legal duty."""
    from allied.programmes.models import Concern

    Concern.objects.create(
        programme=world["programme_own"],
        relationship=world["relationship_own"],
        raised_by=world["max_mentor"],
        safeguarding=True,
        text="Worried",
    )
    keep_for(world["programme_own"], 12)
    actions.retention_apply(today=AFTER)
    identity = Erasure.objects.get().retained_identity
    assert "Mia Mentee" in identity["name"] and world["mia"].email in identity["email"]


def test_matching_reasons_naming_people_go(world):
    """The unmatched list of a matching run explains itself with people's names."""
    from allied.programmes.models import MatchRun

    run = MatchRun.objects.create(
        cohort=world["cohort_own"],
        status="published",
        unmatched=[
            {
                "participant": world["mentee_place_own"].pk,
                "reason": "Mia Mentee: no mentor left (Max Mentor was full)",
            }
        ],
    )
    keep_for(world["programme_own"], 12)
    actions.retention_apply(today=AFTER)
    run.refresh_from_db()
    assert "Mia" not in str(run.unmatched) and "Max" not in str(run.unmatched)
    assert run.unmatched[0]["participant"] == world["mentee_place_own"].pk


def test_a_run_that_finishes_while_another_waits_for_the_lock_records_nothing_twice(
    world, monkeypatch
):
    """Finding 13: two runs side by side. The other run erases the programme while this one
    waits for its first lock; once the lock is granted, this run must see that erasure and
    do nothing (the simulation runs the other run just before this run's first locking
    query, which is when PostgreSQL would let it through)."""
    from django.db.models.sql.compiler import SQLCompiler

    keep_for(world["programme_own"], 12)
    original = SQLCompiler.execute_sql
    state = {"raced": False}

    def execute_sql(self, *args, **kwargs):
        if self.query.select_for_update and not state["raced"]:
            state["raced"] = True
            actions.retention_apply(today=AFTER)  # the other run, start to finish
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "execute_sql", execute_sql)
    actions.retention_apply(today=AFTER)

    assert state["raced"]
    assert Erasure.objects.count() == 1
    assert AuditEvent.objects.filter(kind=Kind.RETENTION_APPLIED).count() == 1


def _past_and_finished(world):
    """The own programme's spring cohort finished and ended long enough ago that a 1-month
    period has already passed."""
    finish(world["programme_own"])
    Cohort.objects.filter(programme=world["programme_own"]).update(
        starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)
    )


def test_a_period_already_passed_needs_confirmation_saying_how_many_places_go(world, signed_in):
    """Finding 8: a period that makes places erasable at the next tick is not saved until the
    coordinator ticks a box that says how many places will be erased."""
    from django.urls import reverse

    _past_and_finished(world)
    client = signed_in(world["carol"])
    url = reverse("rights:retention", args=[world["programme_own"].pk])

    response = client.post(url, {"months": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "2 places" in page
    assert 'name="confirm"' in page
    assert not RetentionPolicy.objects.exists()
    assert not AuditEvent.objects.filter(detail__action="retention_set").exists()

    response = client.post(url, {"months": "1", "confirm": "on"})
    assert response.status_code == 302
    assert RetentionPolicy.objects.get().months == 1
    assert actions.retention_apply()["places"] == 2


def test_a_period_not_yet_passed_or_a_running_cohort_needs_no_confirmation(world, signed_in):
    from django.urls import reverse

    client = signed_in(world["carol"])
    url = reverse("rights:retention", args=[world["programme_own"].pk])
    # The cohort is still running: nothing would be erased, whatever the dates.
    Cohort.objects.filter(programme=world["programme_own"]).update(
        starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)
    )
    assert client.post(url, {"months": "1"}).status_code == 302
    # Finished, with a period still to run.
    finish(world["programme_own"])
    assert client.post(url, {"months": "240"}).status_code == 302
    assert RetentionPolicy.objects.get().months == 240


def test_the_page_says_how_many_places_are_waiting_to_be_erased(world, signed_in):
    from django.urls import reverse

    _past_and_finished(world)
    keep_for(world["programme_own"], 1, finished=False)
    page = (
        signed_in(world["carol"])
        .get(reverse("rights:retention", args=[world["programme_own"].pk]))
        .content.decode()
    )
    assert "2 places" in page
