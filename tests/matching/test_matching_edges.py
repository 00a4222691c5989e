"""Matching at the edges: nobody to match, nobody to match with, people who left."""

from __future__ import annotations

import pytest

from allied.matching import actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant, Relationship
from tests.programmes.world_matching import small_cohort

pytestmark = pytest.mark.django_db


def test_a_cohort_without_mentors_leaves_every_mentee_unmatched_with_a_reason(world, make_person):
    small = small_cohort(world, make_person)
    Participant.objects.filter(pk__in=[m.pk for m in small["mentors"]]).update(
        status=Participant.Status.INTAKE
    )
    draft = actions.matching_run(cohort=small["cohort"], by=world["carol"])
    assert draft.proposals.count() == 0
    assert len(draft.unmatched) == 3 and all(e["reason"] for e in draft.unmatched)


def test_a_cohort_without_mentees_proposes_nothing(world, make_person):
    small = small_cohort(world, make_person)
    Participant.objects.filter(pk__in=[m.pk for m in small["mentees"]]).update(
        status=Participant.Status.WITHDRAWN
    )
    draft = actions.matching_run(cohort=small["cohort"], by=world["carol"])
    assert draft.proposals.count() == 0 and draft.unmatched == []
    with pytest.raises(ProgrammeError, match="no pairs to publish"):
        actions.matching_publish(
            cohort=small["cohort"],
            run_id=draft.pk,
            version=actions.run_version(draft),
            by=world["carol"],
        )


def test_full_mentors_get_no_one(world, make_person):
    small = small_cohort(world, make_person)
    Participant.objects.filter(pk__in=[m.pk for m in small["mentors"]]).update(capacity=0)
    draft = actions.matching_run(cohort=small["cohort"], by=world["carol"])
    assert draft.proposals.count() == 0 and len(draft.unmatched) == 3


def test_a_pair_whose_mentee_has_left_is_not_published(world, make_person):
    small = small_cohort(world, make_person)
    draft = actions.matching_run(cohort=small["cohort"], by=world["carol"])
    proposal = draft.proposals.first()
    Participant.objects.filter(pk=proposal.mentee_id).update(status=Participant.Status.WITHDRAWN)
    with pytest.raises(ProgrammeError, match="no longer taking part"):
        actions.matching_publish(
            cohort=small["cohort"],
            run_id=draft.pk,
            version=actions.run_version(draft),
            by=world["carol"],
        )
    assert not Relationship.objects.filter(cohort=small["cohort"]).exists()


def test_shortlists_without_free_mentors_suggest_nobody(world, make_person):
    small = small_cohort(world, make_person, mode="shortlist")
    Participant.objects.filter(pk__in=[m.pk for m in small["mentors"]]).update(capacity=0)
    assert actions.shortlists_generate(cohort=small["cohort"], by=world["carol"]) == 0
