"""Each app's part of the demo loads on its own, with the parts it stands on, and no more."""

from __future__ import annotations

import pytest

from allied.accounts.models import Organisation
from allied.allyship.models import Reflection
from allied.circles.models import Circle
from allied.demo import organisation as demo
from allied.programmes.models import Programme
from allied.reports.models import WorkforceFigure
from allied.workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded_once():
    """This module loads the parts itself, on an empty database."""
    yield


def test_the_workshops_part_brings_the_people_and_no_programme():
    organisation = demo.load_demo(parts=["workshops"])

    assert Workshop.objects.filter(organisation=organisation).exists()
    assert organisation.memberships.filter(user__email=f"mentee@{demo.DOMAIN}").exists()
    assert not Programme.objects.exists()


def test_the_circles_part_brings_its_programme_and_nothing_else():
    demo.load_demo(parts=["circles"])

    assert Circle.objects.exists() and Programme.objects.exists()
    assert not Workshop.objects.exists()
    assert not Reflection.objects.exists()
    assert not WorkforceFigure.objects.exists()


def test_loading_a_part_then_all_of_it_gives_the_whole_demo_once():
    demo.load_demo(parts=["allyship"])
    demo.load_demo()

    assert Organisation.objects.count() == 1
    assert Programme.objects.count() == 1
    assert Workshop.objects.exists() and Circle.objects.exists()


def test_an_unknown_part_is_refused_by_name():
    with pytest.raises(ValueError, match="no part called picture"):
        demo.load_demo(parts=["picture"])
