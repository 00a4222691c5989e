"""The set-up JSON API: the same rules as the pages, answered in JSON, and documented in the
OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.programmes.api.setup import PATHS
from allied.programmes.models import Programme
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def post(client, url, body):
    """A session POST with the CSRF check off, as the test client does by default."""
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_list_holds_only_the_persons_programmes(client, world):
    sign_in(client, world["mia"])
    names = [p["name"] for p in client.get(reverse("programmes:api_list")).json()["programmes"]]
    assert names == ["Alder Trust mentoring"]


def test_the_detail_gives_cohorts_to_the_coordinator_and_not_to_a_mentee(client, world):
    url = reverse("programmes:api_detail", args=[world["programme_own"].pk])
    sign_in(client, world["carol"])
    detail = client.get(url).json()
    assert detail["cohorts"][0]["name"] == "Spring cohort"
    assert detail["cohorts"][0]["mentees"] == 1
    sign_in(client, world["mia"])
    assert "cohorts" not in client.get(url).json()


def test_a_programme_is_created_with_the_pages_rules(client, world):
    sign_in(client, world["carol"])
    url = reverse("programmes:api_create", args=["alder"])
    response = post(client, url, {"name": "API mentoring", "matching_mode": "shortlist"})
    assert response.status_code == 201
    programme = Programme.objects.get(pk=response.json()["id"])
    assert programme.matching_mode == "shortlist"
    assert list(programme.coordinators.all()) == [world["carol"]]
    assert AuditEvent.objects.filter(kind=Kind.PROGRAMME_CREATED).count() == 1

    bad = post(client, url, {"name": "Bad", "shortlist_size": 0, "relationship_months": [1]})
    assert bad.status_code == 400
    assert not Programme.objects.filter(name="Bad").exists()


def test_a_cohort_is_created_and_one_ending_before_it_starts_is_refused(client, world):
    sign_in(client, world["carol"])
    url = reverse("programmes:api_cohort_create", args=[world["programme_own"].pk])
    made = post(client, url, {"name": "Autumn", "starts_on": "2026-09-01", "ends_on": "2027-08-31"})
    assert made.status_code == 201 and made.json()["status"] == "intake"
    refused = post(
        client, url, {"name": "Backwards", "starts_on": "2026-09-01", "ends_on": "2026-08-31"}
    )
    assert refused.status_code == 400
    assert "end date must be after the start date" in refused.json()["error"]
    assert not world["programme_own"].cohorts.filter(name="Backwards").exists()


def test_a_cohorts_participants_carry_no_special_category_data(client, world):
    sign_in(client, world["carol"])
    url = reverse("programmes:api_participants", args=[world["cohort_own"].pk])
    people = client.get(url).json()["participants"]
    assert {(p["name"], p["side"]) for p in people} == {
        ("Mia Mentee", "mentee"),
        ("Max Mentor", "mentor"),
    }
    text = json.dumps(people).lower()
    assert "ethnic" not in text and "gender" not in text and "black" not in text
    assert not AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).exists()


def test_a_cohort_that_does_not_exist_is_a_json_404(client, world):
    sign_in(client, world["carol"])
    response = client.get(reverse("programmes:api_participants", args=[999999]))
    assert response.status_code == 404 and response.json()["error"]


def test_every_setup_api_url_is_described(client, world):
    from allied.programmes.urls import setup

    routes = {
        "/" + str(p.pattern).replace("<int:pk>", "{pk}").replace("<slug:org>", "{org}")
        for p in setup.urlpatterns
        if str(p.pattern).startswith("api/")
    }
    assert routes == set(PATHS)
    for item in PATHS.values():
        for operation in item.values():
            assert operation["operationId"] and operation["responses"]
