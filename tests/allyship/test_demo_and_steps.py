"""The demo's allyship (loaded twice without duplicates) and each person's next steps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.allyship import actions
from allied.allyship.models import Completion, Reflection, TrainingModule
from allied.allyship.steps import steps_for
from allied.core import allyship as model
from allied.demo import organisation as organisation_demo
from allied.demo.allyship import MENTOR, load_demo_allyship
from allied.demo.programmes import PROGRAMME
from allied.programmes.models import Participant, Programme
from tests.allyship.helpers import reflection_data

pytestmark = pytest.mark.django_db


def test_the_demo_mentor_has_two_dated_reflections_one_shared_and_is_trained():
    organisation_demo.load_demo(parts=["allyship"])
    load_demo_allyship()
    load_demo_allyship()
    programme = Programme.objects.get(name=PROGRAMME)
    reflections = list(Reflection.objects.filter(author__email=MENTOR).order_by("created_at"))

    assert TrainingModule.objects.filter(programme=programme).count() == len(model.DEFAULT_MODULES)
    assert len(reflections) == 2
    assert reflections[0].created_at < reflections[1].created_at
    assert [r.shared_with_id for r in reflections] == [None, programme.pk]
    assert Completion.objects.filter(user__email=MENTOR).count() == len(model.DEFAULT_MODULES)
    places = Participant.objects.filter(user__email=MENTOR, side="mentor")
    assert places.exists() and all(p.allyship_trained for p in places)


def test_a_mentor_is_pointed_at_the_next_required_module_then_at_reflecting(world):
    mentor = world["max_mentor"]
    module = world["module_own"]

    assert steps_for(mentor)[0] == (
        f"Complete your allyship training for {module.programme.name}: “{module.title}” (1 to go)",
        reverse("allyship:module", args=[module.pk]),
    )
    actions.module_complete(module=module, user=mentor)
    assert steps_for(mentor) == [("Reflect on your allyship", reverse("allyship:reflection_new"))]
    data = {k: int(v) if k.startswith("rating_") else v for k, v in reflection_data(3).items()}
    actions.reflection_create(author=mentor, data=data)
    assert steps_for(mentor) == []


def test_a_coordinator_is_asked_to_add_modules_when_training_is_required(world):
    programme = world["programme_own"]
    programme.require_allyship_training = True
    programme.save()
    TrainingModule.objects.filter(programme=programme).delete()

    assert steps_for(world["carol"]) == [
        (
            f"Add allyship training modules to {programme.name}: it requires training before "
            "mentors are matched",
            reverse("allyship:training", args=[programme.pk]),
        )
    ]
    assert steps_for(world["mia"]) == []
