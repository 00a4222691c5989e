"""Set-up rules found in review: an import never takes over another organisation's accounts,
one-time keys are scoped to their programme or organisation, a cohort moves in order, a
question is added once, stale settings forms are refused, the API's creates take a
`client_id`, and an import preview does not linger in the session."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from allied.accounts.models import Membership, User
from allied.programmes.api.setup import PATHS
from allied.programmes.models import Cohort, IntakeQuestion, Participant, Programme
from tests.conftest import sign_in
from tests.programmes.test_setup_import import MENTEE, MENTOR, confirm, csv_file, upload

pytestmark = pytest.mark.django_db

ELSEWHERE = (
    "This address already has an Allied account in another organisation. Invite them from the "
    "cohort page instead; nothing from this file has been imported."
)


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_an_import_row_for_an_account_in_another_organisation_is_an_error(client, world):
    cohort = world["cohort_own"]
    sign_in(client, world["carol"])
    before = (Participant.objects.count(), Membership.objects.count())
    response = upload(
        client,
        cohort,
        csv_file({**MENTEE, "email": "omar@birch.example", "name": ""}, {**MENTOR}),
    )
    page = response.content.decode()
    assert f"row 2, email: {ELSEWHERE}" in page
    assert "Birch" not in page
    assert response.context.get("confirm_form") is None
    # A member of this organisation is "already in this organisation"; anyone else, "will
    # be invited", so the preview says nothing about accounts elsewhere.
    response = upload(
        client, cohort, csv_file({**MENTOR, "email": "mia@alder.example", "name": ""}, MENTEE)
    )
    assert [row["new"] for row in response.context["preview"]] == [False, True]
    assert "Already in this organisation" in response.content.decode()
    # An account made elsewhere between the preview and the confirmation is refused too.
    preview = upload(client, cohort, csv_file(MENTEE))
    User.objects.create_user(MENTEE["email"], None, full_name="Amina Elsewhere")
    done = confirm(client, cohort, preview)
    assert ELSEWHERE in said(done)
    assert (Participant.objects.count(), Membership.objects.count()) == before


def test_a_key_used_in_another_organisation_or_programme_makes_a_new_row(client, world):
    key = uuid.uuid4()
    theirs = Programme.objects.create(organisation=world["other"], name="Theirs", submission=key)
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:create", args=["alder"]),
        {
            "name": "Ours",
            "relationship_months": "12",
            "meeting_every_weeks": "4",
            "matching_mode": "coordinator",
            "shortlist_size": "3",
            "submission": str(key),
        },
    )
    ours = Programme.objects.get(name="Ours")
    assert response["Location"] == reverse("programmes:detail", args=[ours.pk])
    assert ours.organisation == world["own"] and ours.pk != theirs.pk

    cohort_key = uuid.uuid4()
    Cohort.objects.create(
        programme=world["programme_other"],
        name="Their cohort",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 8, 31),
        submission=cohort_key,
    )
    response = client.post(
        reverse("programmes:cohort_create", args=[world["programme_own"].pk]),
        {
            "name": "Our cohort",
            "starts_on": "2026-09-01",
            "ends_on": "2027-08-31",
            "submission": str(cohort_key),
        },
    )
    made = Cohort.objects.get(name="Our cohort")
    assert made.programme == world["programme_own"]
    assert response["Location"] == reverse("programmes:cohort", args=[made.pk])


def test_a_cohort_moves_only_in_order_and_finishes_once_its_pairs_have(client, world):
    running = world["cohort_own"]  # running, with an active relationship
    sign_in(client, world["carol"])
    url = reverse("programmes:cohort_status", args=[running.pk])
    current = running.relationships.filter(status__in=["requested", "conversation", "active"])
    count = current.count()
    response = client.post(url, {"status": "finished"})
    noun = "relationship" if count == 1 else "relationships"
    assert f"End or complete the {count} active {noun} first" in said(response)
    response = client.post(url, {"status": "intake"})
    assert "cannot move from running to intake" in said(response)
    running.refresh_from_db()
    assert running.status == Cohort.Status.RUNNING

    fresh = Cohort.objects.create(
        programme=world["programme_own"],
        name="Autumn",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 8, 31),
    )
    url = reverse("programmes:cohort_status", args=[fresh.pk])
    assert "cannot move from intake open to running" in said(
        client.post(url, {"status": "running"})
    )
    fresh.refresh_from_db()
    assert fresh.status == Cohort.Status.INTAKE
    for status in ("matching", "intake", "matching", "running", "finished"):
        client.post(url, {"status": status})
        fresh.refresh_from_db()
        assert fresh.status == status
    assert "A finished cohort stays finished" in said(client.post(url, {"status": "running"}))


def test_a_question_sent_twice_is_added_once(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    url = reverse("programmes:questions", args=[programme.pk])
    key = client.get(url).context["submission_key"]
    form = {"text": "What is your team's name?", "audience": "both", "submission": key}
    client.post(url, form)
    client.post(url, form)
    assert IntakeQuestion.objects.filter(programme=programme, text=form["text"]).count() == 1


def test_a_stale_settings_form_is_refused_and_saves_nothing(client, world):
    from tests.programmes.test_setup import settings_form

    programme = world["programme_own"]
    sign_in(client, world["carol"])
    url = reverse("programmes:edit", args=[programme.pk])
    opened = client.get(url).context["form"]["fingerprint"].value()
    stale = settings_form(programme, weight_important="5", fingerprint=opened)
    # Another coordinator saves first.
    client.post(url, settings_form(programme, name="Renamed by Alice"))
    response = client.post(url, stale)
    assert response["Location"] == url
    assert "Someone else changed these settings since you opened this page" in said(response)
    programme.refresh_from_db()
    assert programme.name == "Renamed by Alice"
    assert programme.matching_settings["weights"]["important"] != 5.0


def test_the_api_creates_once_per_client_id_and_documents_it(client, world):
    sign_in(client, world["carol"])
    url = reverse("programmes:api_create", args=["alder"])
    key = str(uuid.uuid4())
    body = json.dumps({"name": "Retried", "client_id": key})
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Programme.objects.filter(name="Retried").count() == 1
    bad = client.post(
        url, json.dumps({"name": "Bad", "client_id": "x"}), content_type="application/json"
    )
    assert bad.status_code == 400

    cohorts = reverse("programmes:api_cohort_create", args=[world["programme_own"].pk])
    body = {"name": "Retried", "starts_on": "2026-09-01", "ends_on": "2027-08-31"}
    made = [
        client.post(
            cohorts, json.dumps({**body, "client_id": key}), content_type="application/json"
        )
        for _ in range(2)
    ]
    assert made[0].json()["id"] == made[1].json()["id"]
    # The programme's key does not return the programme, nor one of another organisation.
    assert Cohort.objects.filter(name="Retried", programme=world["programme_own"]).count() == 1
    for path in ("/api/organisations/{org}/programmes/", "/api/programmes/{pk}/cohorts/"):
        schema = PATHS[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert schema["properties"]["client_id"]["format"] == "uuid"


def test_an_import_preview_expires_after_30_minutes_and_can_be_cancelled(client, world):
    cohort = world["cohort_own"]
    name = f"programmes_import_{cohort.pk}"
    sign_in(client, world["carol"])
    equality = {**MENTEE, "ethnic_group": "asian_indian", "gender": "Woman"}
    preview = upload(client, cohort, csv_file(equality))
    assert name in client.session
    session = client.session
    session[name]["made_at"] = time.time() - 31 * 60
    session.save()
    response = confirm(client, cohort, preview, consent="on")
    assert "left for more than 30 minutes" in said(response)
    assert name not in client.session
    assert not User.objects.filter(email=MENTEE["email"]).exists()

    preview = upload(client, cohort, csv_file(equality))
    assert "Cancel import" in preview.content.decode()
    response = client.post(reverse("programmes:import", args=[cohort.pk]), {"cancel": "1"})
    assert response["Location"] == reverse("programmes:cohort", args=[cohort.pk])
    assert name not in client.session
    confirm(client, cohort, preview, consent="on")
    assert not User.objects.filter(email=MENTEE["email"]).exists()
