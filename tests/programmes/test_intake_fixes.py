"""Intake rules found in review: people added after intake closes can still complete theirs,
and the equality step (with its consents) stays open to its owner at all times."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from allied.programmes.models import Participant, SpecialCategory
from tests.conftest import sign_in
from tests.programmes.test_intake import ABOUT, EQUALITY, step_url

pytestmark = pytest.mark.django_db


def test_late_joiners_complete_their_intake_and_consent_can_be_withdrawn_any_time(client, world):
    running = world["cohort_own"]
    # Added after intake closed: their own intake is still to do.
    late = Participant.objects.create(cohort=running, user=world["mia"], side="mentor")
    sign_in(client, world["mia"])
    response = client.post(step_url(late, "about"), ABOUT)
    assert response["Location"] == step_url(late, "you")
    late.refresh_from_db()
    assert late.profession == ABOUT["profession"]

    # Mia's submitted mentee place: the answers are closed, the equality step is not.
    mia = world["mentee_place_own"]
    step_before = mia.intake_step
    assert client.get(step_url(mia, "about"))["Location"] == step_url(mia, "check")
    page = client.get(step_url(mia, "equality")).content.decode()
    assert "withdraw your consent" in page and "next matching run" in page
    withdrawn = {k: v for k, v in EQUALITY.items() if k != "matching_consent"}
    response = client.post(step_url(mia, "equality"), withdrawn)
    assert response["Location"] == reverse("programmes:intake", args=[mia.pk])
    assert SpecialCategory.objects.get(participant=mia).matching_consent is False
    # And through the API.
    response = client.post(
        reverse("programmes:api_intake_step", args=[mia.pk, "equality"]),
        json.dumps({**EQUALITY, "matching_consent": True}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert SpecialCategory.objects.get(participant=mia).matching_consent is True
    mia.refresh_from_db()
    assert mia.status == Participant.Status.READY and mia.intake_step == step_before
