"""Building a model from a finished workshop, through the pages."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from allied.consensus.models import ModelDraft, Placement
from allied.core import model as core
from tests.consensus.conftest import finish_workshop, idea_key, theme_key

pytestmark = pytest.mark.django_db


def page(client, draft) -> str:
    return client.get(reverse("consensus:draft", args=[draft.pk])).content.decode()


def place(client, draft, key, domain, question, note=""):
    return client.post(
        reverse("consensus:place", args=[draft.pk]),
        {"item": key, "domain": domain, "question": question, "note": note},
    )


def test_the_results_of_a_finished_workshop_offer_to_build_a_model(facilitator, finished):
    results = facilitator.get(reverse("workshops:results", args=[finished.pk])).content.decode()
    assert "Build a model from this workshop" in results
    assert reverse("consensus:new", args=[finished.pk]) in results


def test_a_facilitator_starts_a_model_from_the_studys_domains(facilitator, finished, fay):
    key = str(uuid.uuid4())
    response = facilitator.post(
        reverse("consensus:new", args=[finished.pk]), {"name": "Our model", "submission": key}
    )
    draft = ModelDraft.objects.get()
    assert response["Location"] == reverse("consensus:draft", args=[draft.pk])
    assert draft.name == "Our model" and draft.created_by == fay
    assert list(draft.workshops.all()) == [finished]
    assert [d.name for d in draft.frame().domains] == [d.name for d in core.STUDY_MODEL.domains]
    again = facilitator.post(
        reverse("consensus:new", args=[finished.pk]), {"name": "Our model", "submission": key}
    )
    assert again["Location"] == response["Location"]
    assert ModelDraft.objects.count() == 1


def test_a_model_cannot_be_started_before_the_workshop_finishes(facilitator, unfinished):
    start = facilitator.get(reverse("consensus:new", args=[unfinished.pk])).content.decode()
    assert "once it has finished" in start and "Start building" not in start
    response = facilitator.post(
        reverse("consensus:new", args=[unfinished.pk]), {"name": "Too early"}
    )
    assert response.status_code == 200
    assert "once it has finished" in response.content.decode()
    assert not ModelDraft.objects.exists()


def test_the_builder_shows_each_theme_with_its_score_and_trail(facilitator, draft):
    html = page(facilitator, draft)
    assert "Trust and honesty" in html and "Score: rank 1, total 14, 4 voters." in html
    assert "Idea 1: Honest conversations (rank 1, total 11, 4 voters)" in html
    assert "The group said sponsorship matters more than advice." in html
    assert "Coffee with peers" in html and "Idea in no theme" in html
    for domain in ("Sponsorship", "Allyship", "Surface characteristics", "Mentoring circles"):
        assert domain in html
    assert 'role="img"' in html and "The figure in words" in html


def test_placing_a_theme_puts_it_in_the_domain_and_keeps_its_trail(facilitator, draft, finished):
    key = theme_key(finished, "Career sponsorship")
    response = place(facilitator, draft, key, "sponsorship", "require", "It opens doors.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{key}")
    placement = Placement.objects.get()
    assert (placement.domain, placement.question, placement.note) == (
        "sponsorship",
        "require",
        "It opens doors.",
    )
    html = page(facilitator, draft)
    assert "Placed in Sponsorship, under “What I require?”." in html
    exported = core.from_json(
        facilitator.get(reverse("consensus:draft_export", args=[draft.pk, "json"])).content
    )
    [(domain, theme)] = exported.themes()
    assert domain.code == "sponsorship" and theme.question == "require"
    assert theme.name == "Career sponsorship" and theme.note == "It opens doors."
    assert [i.text for i in theme.ideas] == ["Opens doors", "Names me for projects"]
    assert theme.notes == ("The group said sponsorship matters more than advice.",)
    assert theme.source == (
        "What matters in mentoring, question 1: What do you consider is important in mentoring?"
    )


def test_placing_again_moves_the_theme_and_never_duplicates_it(facilitator, draft, finished):
    key = theme_key(finished, "Trust and honesty")
    place(facilitator, draft, key, "allyship", "need")
    place(facilitator, draft, key, "allyship", "need")
    place(facilitator, draft, key, "circles", "help")
    assert list(Placement.objects.values_list("domain", "question")) == [("circles", "help")]


def test_an_idea_in_no_theme_can_be_placed_on_its_own(facilitator, draft, finished):
    key = idea_key(finished, "Coffee with peers")
    assert place(facilitator, draft, key, "circles", "support").status_code == 302
    assert Placement.objects.get().idea.text == "Coffee with peers"


def test_a_theme_can_be_taken_out_again(facilitator, draft, finished):
    key = theme_key(finished, "Trust and honesty")
    place(facilitator, draft, key, "allyship", "need")
    facilitator.post(reverse("consensus:unplace", args=[draft.pk]), {"item": key})
    facilitator.post(reverse("consensus:unplace", args=[draft.pk]), {"item": key})
    assert not Placement.objects.exists()


def test_domains_can_be_renamed_defined_added_and_merged(facilitator, draft, finished):
    key = theme_key(finished, "Trust and honesty")
    place(facilitator, draft, key, "circles", "support")
    facilitator.post(
        reverse("consensus:domain", args=[draft.pk, "surface"]),
        {"name": "Who I am matched with", "definition": "Choice over who mentors me."},
    )
    facilitator.post(
        reverse("consensus:domain_add", args=[draft.pk]),
        {"name": "Peer support", "definition": "Colleagues at the same stage."},
    )
    response = facilitator.post(
        reverse("consensus:merge", args=[draft.pk]),
        {"keep": "peer-support", "absorb": "circles", "name": "Peer support and circles"},
    )
    assert response.status_code == 302
    frame = ModelDraft.objects.get().frame()
    assert [d.name for d in frame.domains] == [
        "Sponsorship",
        "Allyship",
        "Who I am matched with",
        "Peer support and circles",
    ]
    assert frame.domain("surface").definition == "Choice over who mentors me."
    assert frame.domain("peer-support").definition.startswith("Colleagues at the same stage.")
    assert Placement.objects.get().domain == "peer-support"


def test_several_workshops_can_feed_one_model(facilitator, draft, finished, org, fay):
    second = finish_workshop(
        org,
        fay,
        "Second group",
        [["Role models"], ["Role models"]],
        {"Role models": "Seeing people like me"},
    )
    response = facilitator.post(
        reverse("consensus:workshop_add", args=[draft.pk]), {"workshop": second.pk}
    )
    assert response.status_code == 302
    assert set(draft.workshops.all()) == {finished, second}
    html = page(facilitator, draft)
    assert "Seeing people like me" in html and "Second group, question 1" in html
    assert (
        place(
            facilitator, draft, theme_key(second, "Seeing people like me"), "surface", "support"
        ).status_code
        == 302
    )


def test_a_workshop_not_finished_cannot_feed_a_model(facilitator, draft, unfinished):
    response = facilitator.post(
        reverse("consensus:workshop_add", args=[draft.pk]), {"workshop": unfinished.pk}
    )
    assert response.status_code == 200
    assert "Choose one of the finished workshops listed." in response.content.decode()
    assert draft.workshops.count() == 1


def test_the_draft_exports_as_svg_png_csv_html_and_json(facilitator, draft, finished):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    for fmt, kind, start in (
        ("svg", "image/svg+xml", b"<svg"),
        ("png", "image/png", b"\x89PNG"),
        ("csv", "text/csv; charset=utf-8", b"Domain,Definition"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("json", "application/json", b"{"),
    ):
        response = facilitator.get(reverse("consensus:draft_export", args=[draft.pk, fmt]))
        assert response.status_code == 200, fmt
        assert response["Content-Type"] == kind
        assert response.content.startswith(start), fmt
        assert f'filename="our-mentoring-model-v1-draft.{fmt}"' in response["Content-Disposition"]
    assert (
        b"Trust and honesty"
        in facilitator.get(reverse("consensus:draft_export", args=[draft.pk, "svg"])).content
    )


def test_an_unknown_export_format_is_not_found(facilitator, draft):
    assert (
        facilitator.get(reverse("consensus:draft_export", args=[draft.pk, "exe"])).status_code
        == 404
    )


def test_the_model_can_be_renamed(facilitator, draft):
    facilitator.post(reverse("consensus:draft_name", args=[draft.pk]), {"name": "  New   name "})
    assert ModelDraft.objects.get().name == "New name"


def test_a_finished_workshop_lists_the_models_built_from_it(facilitator, draft, finished):
    start = facilitator.get(reverse("consensus:new", args=[finished.pk])).content.decode()
    assert "Our mentoring model" in start


def test_the_study_model_page_shows_the_studys_wording(facilitator):
    html = facilitator.get(reverse("consensus:study")).content.decode()
    assert "What can support me?" in html and "kindness and courage" in html
    assert "doi:10.1136/bmjopen-2024-089121" in html
    svg = facilitator.get(reverse("consensus:study_export", args=["svg"]))
    assert svg.content.startswith(b"<svg") and b"The mentee" in svg.content
