"""Two coordinators adding the same late joiner to two circles at the same moment: one wins,
the other is told clearly, and the mentee is in one current circle. Real transactions on real
connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from allied.circles import actions
from allied.circles.models import Circle, CircleMembership
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant


def race_to_add(world, make_person):
    from allied.accounts.models import Role

    circle = world["circle_own"]
    second = Circle.objects.create(
        cohort=circle.cohort, number=2, name="Circle 2", status=Circle.Status.PUBLISHED
    )
    user = make_person("late@alder.example", "Lara Late", world["own"], Role.MENTEE)
    late = Participant.objects.create(
        cohort=circle.cohort, user=user, side="mentee", status=Participant.Status.READY
    )
    start = threading.Barrier(2)
    outcomes: list = []

    def add(target):
        try:
            start.wait(timeout=10)
            actions.add_member(circle=target, participant=late, by=world["carol"])
            outcomes.append("added")
        except ProgrammeError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(c,)) for c in (circle, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("added") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "added"]
    assert "already in a circle" in refusal
    assert CircleMembership.objects.filter(participant=late, left_on__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_adding_the_same_mentee_at_once(world, make_person):
    race_to_add(world, make_person)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_adding_the_same_mentee_at_once_on_postgresql(world, make_person):
    race_to_add(world, make_person)
