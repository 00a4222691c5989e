"""The intake's JSON API: the same forms and actions as the pages, answered in JSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from allied.programmes.api.intake import PATHS
from allied.programmes.models import Participant, SpecialCategory
from tests.conftest import sign_in
from tests.programmes.test_intake import (
    ABOUT,
    EQUALITY,
    MENTEE_RACE,
    NEEDS,
    PREFERENCES,
    YOU,
    open_intake,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(world):
    return open_intake(world)


def api(client, method, place, step=None, body=None):
    if step is None:
        url = reverse("programmes:api_intake", args=[place.pk])
    elif step == "submit":
        url = reverse("programmes:api_intake_submit", args=[place.pk])
    else:
        url = reverse("programmes:api_intake_step", args=[place.pk, step])
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_get_answers_the_persons_own_intake_with_their_own_equality_answers(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    client.post(reverse("programmes:intake_step", args=[mia.pk, "equality"]), EQUALITY)
    body = api(client, "get", mia).json()
    assert body["side"] == "mentee" and body["open"] is True
    assert body["equality"]["ethnic_group"] == "black_african"
    assert body["equality"]["consent_recorded_at"]
    assert [s["step"] for s in body["sections"]] == [
        "about",
        "you",
        "needs",
        "preferences",
        "equality",
        "race",
    ]


def test_post_saves_a_step_with_the_pages_validation(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = api(
        client,
        "post",
        mia,
        "about",
        {**ABOUT, "interests": ["stroke", "research"], "languages": ["English"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["next"] == "you"
    mia.refresh_from_db()
    assert mia.interests == ["stroke", "research"] and mia.band == "band_5"


def test_invalid_input_answers_400_with_the_field_errors_and_saves_nothing(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = api(client, "post", mia, "about", {**ABOUT, "profession": "wizard"})
    assert response.status_code == 400
    assert "profession" in response.json()["errors"]
    mia.refresh_from_db()
    assert mia.profession == ""
    response = api(client, "post", mia, "about", {"career_goals": [{"x": 1}]})
    assert response.status_code == 400


def test_patch_changes_only_the_fields_sent(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    api(client, "post", mia, "about", ABOUT)
    response = api(client, "patch", mia, "about", {"band": "band_6"})
    assert response.status_code == 200, response.content
    mia.refresh_from_db()
    assert mia.band == "band_6"
    assert mia.profession == "occupational_therapist"
    assert mia.availability == ["weekday_mornings", "weekday_lunchtimes"]
    assert mia.interests == ["stroke rehabilitation", "research", "teaching"]


def test_preferences_and_needs_text_can_be_sent_as_objects(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = api(
        client,
        "post",
        mia,
        "preferences",
        {"preferences": {"profession": {"kind": "different", "strength": "nice_to_have"}}},
    )
    assert response.status_code == 200, response.content
    mia.refresh_from_db()
    assert mia.preferences == {"profession": {"kind": "different", "strength": "nice_to_have"}}
    response = api(
        client,
        "post",
        mia,
        "needs",
        {"needs_need": ["networking"], "needs_text": {"need": "A way in"}},
    )
    assert response.status_code == 200, response.content
    mia.refresh_from_db()
    assert mia.needs_text == {"need": "A way in"}
    assert api(client, "post", mia, "preferences", {"preferences": "same"}).status_code == 400


def test_equality_without_monitoring_consent_is_refused_by_the_api_too(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = api(client, "post", mia, "equality", {**EQUALITY, "monitoring_consent": False})
    assert response.status_code == 400
    assert not SpecialCategory.objects.filter(participant=mia).exists()


def test_submit_refuses_until_complete_then_is_idempotent(client, world, intake):
    mia = intake["mentee"]
    sign_in(client, world["mia"])
    response = api(client, "post", mia, "submit")
    assert response.status_code == 409
    for step, body in (
        ("about", ABOUT),
        ("you", YOU),
        ("needs", NEEDS),
        ("preferences", PREFERENCES),
        ("equality", EQUALITY),
        ("race", MENTEE_RACE),
    ):
        assert api(client, "post", mia, step, body).status_code == 200, step
    first = api(client, "post", mia, "submit").json()
    assert first["submitted_now"] is True and first["status"] == "ready"
    second = api(client, "post", mia, "submit").json()
    assert second["submitted_now"] is False
    assert second["intake_completed_at"] == first["intake_completed_at"]
    assert Participant.objects.get(pk=mia.pk).status == Participant.Status.READY


def test_a_closed_cohort_refuses_changes_with_409(client, world):
    sign_in(client, world["mia"])
    response = api(client, "patch", world["mentee_place_own"], "about", {"band": "band_8a"})
    assert response.status_code == 409
    assert "closed" in response.json()["error"]


def test_the_openapi_fragment_names_every_intake_url():
    assert set(PATHS) == {
        "/api/places/{pk}/intake/",
        "/api/places/{pk}/intake/{step}/",
        "/api/places/{pk}/intake/submit/",
    }
    for operations in PATHS.values():
        for operation in operations.values():
            assert operation["operationId"] and operation["responses"]
