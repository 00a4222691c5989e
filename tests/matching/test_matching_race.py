"""Two mentees choosing a mentor's last place at the same moment: one gets it, the other is
told clearly, and the mentor is never over capacity. Real transactions on real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from allied.matching import actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Relationship, ShortlistOffer
from tests.programmes.world_matching import small_cohort


def race_for_the_last_place(world, make_person):
    small = small_cohort(world, make_person, mode="shortlist", capacity=1)
    mentor = small["mentors"][0]
    racers = small["mentees"][:2]
    offers = [
        ShortlistOffer.objects.create(mentee=place, mentor=mentor, rank=1, explanation=[])
        for place in racers
    ]
    start = threading.Barrier(len(racers))
    outcomes: list = []

    def choose(place, offer):
        try:
            start.wait(timeout=10)
            actions.shortlist_choose(place=place, offer_id=offer.pk, note="")
            outcomes.append("chosen")
        except ProgrammeError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=choose, args=(place, offer))
        for place, offer in zip(racers, offers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=lambda o: o != "chosen")[0] == "chosen", outcomes
    assert outcomes.count("chosen") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "chosen"]
    assert "has no free place now" in refusal
    assert Relationship.objects.current().filter(mentor=mentor).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_mentees_choosing_the_last_place_at_once(world, make_person):
    race_for_the_last_place(world, make_person)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_mentees_choosing_the_last_place_at_once_on_postgresql(world, make_person):
    race_for_the_last_place(world, make_person)
