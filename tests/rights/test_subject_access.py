"""Subject access: a person downloads everything Allied holds about them, as JSON and as a
document to read and print; an organisation admin can do it for a member of their own
organisation. Special category answers are in the person's own copy only."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.rights import registry
from tests.rights.helpers import give_mia_everything

pytestmark = pytest.mark.django_db


def _json(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def _titles(copy) -> set[str]:
    return {section["model"] for section in copy["sections"]}


def test_a_person_downloads_everything_about_them_quickly(world, signed_in):
    give_mia_everything(world)
    client = signed_in(world["mia"])
    started = time.monotonic()
    copy = _json(client.get(reverse("rights:download", args=["json"])))
    assert time.monotonic() - started < 10

    assert copy["account"]["email"] == "mia@alder.example"
    expected = {
        m._meta.label_lower
        for m in registry.linked_models()
        if registry.rule_for(m).in_copy and registry.chains_of(m)[0]
    } - {"accounts.user"}
    assert _titles(copy) == expected
    assert copy["equality_monitoring"][0]["ethnic group"].endswith(": African")
    assert copy["concerns_you_raised"][0]["what you wrote"] == "own: a concern"
    assert any(e["what"] == "Signed in" for e in copy["audit_log"])
    assert {"record": "meeting", "id": world["meeting_own"].pk, "as": "created by"} not in copy[
        "records_that_name_you"
    ], "a meeting already in her copy is not listed again as naming her"


def test_the_copy_holds_no_one_elses_private_words(world, signed_in):
    added = give_mia_everything(world)
    copy = _json(signed_in(world["mia"]).get(reverse("rights:download", args=["json"])))
    text = json.dumps(copy)
    assert "own private note of max@alder.example" not in text
    assert "own private note of mia@alder.example" in text
    reviews = next(s for s in copy["sections"] if s["model"] == "programmes.review")["rows"]
    assert [r["id"] for r in reviews] == [world["review_own"].pk]
    assert added["review_by_max"].pk not in [r["id"] for r in reviews]
    assert "safeguarding" not in text.lower().replace('"safeguarding": false', "")


def test_a_mentor_never_sees_the_reason_hidden_from_them_nor_a_secret(world, signed_in):
    copy = _json(signed_in(world["max_mentor"]).get(reverse("rights:download", args=["json"])))
    for section in copy["sections"]:
        for name, _ in section["columns"]:
            assert name not in registry.SECRET_FIELDS
    assert copy["equality_monitoring"] == []


def test_the_download_is_audited(world, signed_in):
    signed_in(world["mia"]).get(reverse("rights:download", args=["html"]))
    event = AuditEvent.objects.get(kind=Kind.PERSONAL_DATA_DOWNLOADED)
    assert event.actor == world["mia"]
    assert event.detail == {"on_behalf": False, "format": "html"}


def test_the_readable_document_is_a_page_to_print(world, signed_in):
    give_mia_everything(world)
    response = signed_in(world["mia"]).get(reverse("rights:download", args=["html"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Your data held by Allied</h1>" in page
    assert "@media print" in page
    assert "own: confidence to apply for band 6" in page
    assert "Caribbean or African: African" in page


def test_an_admin_downloads_for_a_member_without_their_equality_answers(world, signed_in):
    url = reverse("rights:person_download", args=["alder", world["mia"].pk, "json"])
    copy = _json(signed_in(world["alice"]).get(url))
    assert copy["account"]["name"] == "Mia Mentee"
    assert copy["equality_monitoring"] == []
    assert copy["equality_monitoring_held_but_not_shown"] is True
    assert "Caribbean or African" not in json.dumps(copy)
    event = AuditEvent.objects.get(kind=Kind.PERSONAL_DATA_DOWNLOADED)
    assert event.actor == world["alice"] and event.organisation == world["own"]
    assert event.detail["on_behalf"] is True


def test_an_admin_cannot_download_for_someone_in_another_organisation(world, signed_in):
    client = signed_in(world["alice"])
    url = reverse("rights:person_download", args=["alder", world["omar"].pk, "json"])
    assert client.get(url).status_code == 404
    url = reverse("rights:person_download", args=["birch", world["omar"].pk, "json"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind=Kind.PERSONAL_DATA_DOWNLOADED).exists()


def test_an_unknown_format_is_not_found(world, signed_in):
    assert signed_in(world["mia"]).get("/account/data/your-data.xml").status_code == 404


# Finding 3: an admin's copy holds their own organisation's records, and nothing only the
# person reads.


def _mia_in_birch_too(world):
    """Gives Mia a role and a place in Birch's programme too, with words of her own there."""
    from allied.accounts.models import Membership, Role
    from allied.programmes.models import Participant

    Membership.objects.create(user=world["mia"], organisation=world["other"], role=Role.MENTEE)
    return Participant.objects.create(
        cohort=world["cohort_other"],
        user=world["mia"],
        side="mentee",
        needs_text={"words": "birch needs of mia"},
        race_note="birch race note",
    )


def test_an_admins_copy_holds_only_their_organisations_records(world, signed_in):
    from allied.audit.log import record

    birch_place = _mia_in_birch_too(world)
    record(Kind.ROLE_GRANTED, actor=world["olga"], organisation=world["other"], subject="Mia")
    url = reverse("rights:person_download", args=["alder", world["mia"].pk, "json"])
    copy = _json(signed_in(world["alice"]).get(url))

    text = json.dumps(copy)
    assert "birch" not in text.lower() and "Birch" not in text
    places = next(s for s in copy["sections"] if s["model"] == "programmes.participant")["rows"]
    assert [p["id"] for p in places] == [world["mentee_place_own"].pk]
    roles = next(s for s in copy["sections"] if s["model"] == "accounts.membership")["rows"]
    assert {r["organisation"] for r in roles} == {"Alder Trust"}
    assert all(e["what"] != "Role granted" for e in copy["audit_log"])

    own = _json(signed_in(world["mia"]).get(reverse("rights:download", args=["json"])))
    places = next(s for s in own["sections"] if s["model"] == "programmes.participant")["rows"]
    assert birch_place.pk in [p["id"] for p in places]
    assert "birch race note" in json.dumps(own)


def test_an_admins_copy_leaves_out_what_only_the_person_reads(world, signed_in):
    from allied.programmes.models import Participant, Review

    give_mia_everything(world)
    Participant.objects.filter(pk=world["mentee_place_own"].pk).update(race_note="my race note")
    Review.objects.filter(pk=world["review_own"].pk).update(
        felt_believed="yes", race_discussed_safely="partly", challenged_barriers="no"
    )
    url = reverse("rights:person_download", args=["alder", world["mia"].pk, "json"])
    copy = _json(signed_in(world["alice"]).get(url))

    text = json.dumps(copy)
    for private in ("programmes.privatenote", "allyship.reflection", "allyship.answer"):
        assert private not in _titles(copy)
    assert "circles.checkin" not in _titles(copy)
    assert "private note" not in text and "own overall words" not in text
    assert "my race note" not in text
    reviews = next(s for s in copy["sections"] if s["model"] == "programmes.review")
    names = {name for name, _ in reviews["columns"]}
    assert not names & {"felt_believed", "race_discussed_safely", "challenged_barriers"}
    training = next(s for s in copy["sections"] if s["model"] == "allyship.completion")
    assert "reflection" not in {name for name, _ in training["columns"]}

    own = _json(signed_in(world["mia"]).get(reverse("rights:download", args=["json"])))
    assert {"programmes.privatenote", "allyship.reflection", "circles.checkin"} <= _titles(own)
    assert "my race note" in json.dumps(own)


def test_the_copy_lists_ones_api_tokens_without_their_secrets(world, signed_in):
    copy = _json(signed_in(world["mia"]).get(reverse("rights:download", args=["json"])))
    tokens = next(s for s in copy["sections"] if s["model"] == "accounts.apitoken")
    columns = {name for name, _ in tokens["columns"]}
    assert "name" in columns and "expires_at" in columns
    assert not columns & {"digest", "binding"}
    assert "Mia's script" in json.dumps(tokens["rows"])
