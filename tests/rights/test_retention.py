"""Retention: `allied tick` erases the places of a programme whose last cohort ended more than
its retention period ago, keeps people's accounts and their other programmes, and records
what it removed."""

from __future__ import annotations

from datetime import date

import pytest

from allied.allyship.models import Reflection
from allied.audit.models import AuditEvent, Kind
from allied.commands import tick
from allied.programmes.models import Cohort, Participant, SpecialCategory
from allied.rights import actions
from allied.rights.models import Erasure, RetentionPolicy

pytestmark = pytest.mark.django_db

# The world's spring cohorts end on 31 March 2027; 12 months on is 31 March 2028.
AFTER = date(2028, 4, 1)


def keep_for(programme, months):
    return RetentionPolicy.objects.create(programme=programme, months=months)


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
    )
    assert actions.retention_apply(today=AFTER)["places"] == 0


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

    place.delete()
    keep_for(other, 1)
    Erasure.objects.all().delete()  # start again: only the second programme is still live
    actions.retention_apply(today=date(2029, 3, 1))
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
