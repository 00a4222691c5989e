"""The mentee's picture: what the mentee and their mentor each see, the downloads, and who may
open it (the access matrix has the full table: tests/programmes/matrix_picture.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind
from allied.circles.models import Circle
from allied.consensus.models import PublishedModel
from allied.core import model as core
from allied.picture.reading import ALLYSHIP_WITHHELD
from allied.picture.views import NOT_YET
from allied.programmes.models import Relationship
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def pair(world):
    """Mia (mentee) and Max (mentor) in Alder, with a confirmed sponsorship action, Mia's
    preferences on profession, ethnic group, gender and region, one of Max's own, and Mia
    in a published circle (the world put her there)."""
    relationship = world["relationship_own"]
    mentee, mentor = relationship.mentee, relationship.mentor
    mentee.preferences = {
        "profession": {"kind": "same", "strength": "important"},
        "ethnic_group": {"kind": "same", "strength": "essential"},
        "gender": {"kind": "same", "strength": "important"},
        "region": {"kind": "same", "strength": "nice_to_have"},
    }
    mentee.needs_text = {"need": "Confidence in interviews"}
    mentee.save()
    mentor.preferences = {"band": {"kind": "different", "strength": "important"}}
    mentor.save()
    action = world["sponsorship_own"]
    action.confirmed_at = timezone.now()
    action.save()
    Circle.objects.filter(memberships__participant=mentee).update(name="Circle of Alder")
    return relationship


def page(client, user, relationship) -> str:
    sign_in(client, user)
    response = client.get(reverse("picture:page", args=[relationship.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_mentee_sees_their_own_record_in_the_picture(client, world, pair):
    html = page(client, world["mia"], pair)
    for expected in (
        "Your mentoring at a glance",
        "Direction for career progression",  # a need under "What I need?"
        "Confidence in interviews",  # in their own words
        "own: confidence to apply for band 6",  # the agreement
        "own: introduced to the regional AHP network",  # confirmed sponsorship
        "Mid-point review: mentor as an ally 5 of 5",  # their own answers
        "You asked for a mentor with the same profession (important): this was met.",
        "Circle of Alder, 1 member",
    ):
        assert expected in html, expected


def test_only_the_mentees_own_preferences_on_surface_characteristics_are_shown(client, world, pair):
    html = page(client, world["mia"], pair)
    assert "Your essential preference about ethnic group was respected." in html
    assert "a mentee with a different band" not in html  # Max's preference, not hers
    assert "same region" not in html  # logistics, not a surface characteristic
    assert "african" not in html.lower() and "woman" not in html.lower()  # never a value


def test_the_mentor_sees_nothing_about_ethnicity_or_gender_nor_the_mentees_allyship_answers(
    client, world, pair
):
    html = page(client, world["max_mentor"], pair)
    assert "<h1>Mia Mentee's mentoring at a glance</h1>" in html
    assert "You asked for a mentor with the same profession (important): this was met." in html
    for absent in ("preference about", "african", "woman", "5 of 5", "mid-point"):
        assert absent not in html.lower(), absent
    assert ALLYSHIP_WITHHELD in html


def test_private_notes_are_never_in_the_picture(client, world, pair):
    for user in (world["mia"], world["max_mentor"]):
        html = page(client, user, pair)
        assert "private note" not in html
        svg = client.get(reverse("picture:svg", args=[pair.pk])).content.decode()
        assert "private note" not in svg


def test_opening_the_picture_reads_no_special_category_data(client, world, pair):
    before = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count()
    page(client, world["mia"], pair)
    page(client, world["max_mentor"], pair)
    assert AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count() == before


def test_the_svg_download_is_an_accessible_image(client, world, pair):
    sign_in(client, world["mia"])
    response = client.get(reverse("picture:svg", args=[pair.pk]))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title").text, root.find(f"{SVG}desc").text
    assert title == "Mia Mentee: my mentoring at a glance"
    assert "Sponsorship: Introduction to a network or person" in desc


def test_the_png_download_carries_its_text_alternative(client, world, pair):
    sign_in(client, world["max_mentor"])
    response = client.get(reverse("picture:png", args=[pair.pk]))
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert b"Description" in response.content


def test_the_page_shows_the_picture_inline_with_a_print_stylesheet(client, world, pair):
    html = page(client, world["mia"], pair)
    assert 'role="img"' in html and "<desc" in html
    assert "picture/picture.css" in html
    assert reverse("picture:png", args=[pair.pk]) in html


def test_both_of_the_pair_find_the_picture_from_their_relationship_page(client, world, pair):
    url = reverse("picture:page", args=[pair.pk])
    for user, words in ((world["mia"], "Your mentoring at a glance"), (world["max_mentor"], "")):
        sign_in(client, user)
        html = client.get(reverse("programmes:relationship", args=[pair.pk])).content.decode()
        assert url in html and words in html


def test_the_coordinator_is_refused_the_mentees_picture(client, world, pair):
    sign_in(client, world["carol"])
    assert client.get(reverse("picture:page", args=[pair.pk])).status_code == 403


def test_a_request_not_yet_accepted_has_no_picture_yet(client, world, pair):
    Relationship.objects.filter(pk=pair.pk).update(status=Relationship.Status.REQUESTED)
    sign_in(client, world["max_mentor"])
    response = client.get(reverse("picture:page", args=[pair.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse("programmes:relationship", args=[pair.pk])
    assert NOT_YET in response.content.decode()


def test_once_the_mentoring_has_ended_only_the_mentee_still_sees_the_picture(client, world, pair):
    """The picture is drawn from the mentee's record as it is now (her circle, her next
    session): a former mentor no longer sees it; she still does."""
    Relationship.objects.filter(pk=pair.pk).update(
        status=Relationship.Status.ENDED, ending=Relationship.Ending.NO_FAULT
    )
    sign_in(client, world["max_mentor"])
    response = client.get(reverse("picture:page", args=[pair.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse("programmes:relationship", args=[pair.pk])
    assert "Circle of Alder" not in response.content.decode()
    for name in ("picture:svg", "picture:png"):
        assert client.get(reverse(name, args=[pair.pk])).status_code == 302
    assert "Circle of Alder" in page(client, world["mia"], pair)


def test_the_picture_follows_the_model_the_programme_runs_on(client, world, pair):
    model = replace(
        core.rename_domain(core.STUDY_MODEL, "circles", "Peer circles"),
        name="Alder's own model",
        version=2,
    )
    programme = pair.cohort.programme
    programme.model = PublishedModel.objects.create(
        organisation=programme.organisation, name=model.name, version=2, json=core.to_json(model)
    )
    programme.save()
    html = page(client, world["mia"], pair)
    assert "Alder&#x27;s own model (version 2)" in html
    assert "Peer circles" in html and "Circle of Alder" in html
