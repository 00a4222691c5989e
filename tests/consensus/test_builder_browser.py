"""The model builder in a real browser: a facilitator builds a model from a finished
workshop's themes by keyboard alone, downloads the figure, publishes it; axe passes on every
page. Dragging a theme onto a question does the same as the form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from allied.consensus.models import ModelDraft, Placement, PublishedModel

# The browser fixtures live in tests/browser/conftest.py; imported so that pytest finds them here.
from tests.browser.conftest import axe_violations, browser, new_page, page, signed_in  # noqa: F401
from tests.consensus.conftest import finish_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(locator, key="Enter"):
    """Moves the keyboard focus to the control and presses a key, as a keyboard user would."""
    locator.focus()
    locator.press(key)


def choose(select, text):
    """Chooses an option of a focused select by typing its first letters."""
    select.focus()
    select.page.keyboard.type(text)


def test_a_facilitator_builds_a_model_by_keyboard_and_downloads_the_figure(
    page,  # noqa: F811
    live_server,
    org,
    fay,
):
    workshop = finish_workshop(org, fay)
    signed_in(page, live_server, fay)
    page.goto(live_server.url + reverse("workshops:results", args=[workshop.pk]))
    with page.expect_navigation():
        press(page.get_by_role("link", name="Build a model from this workshop"))
    assert page.locator("h1").inner_text() == "Build a mentoring model from this workshop"
    assert axe_violations(page) == []
    name = page.get_by_label("Name of the model")
    name.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Northbrook mentoring model")
    with page.expect_navigation():
        press(page.get_by_role("button", name="Start building"))
    assert page.locator("h1").inner_text() == "Northbrook mentoring model"
    assert axe_violations(page) == []

    trust = page.get_by_role("group", name="Place “Trust and honesty”")
    choose(trust.get_by_label("Domain"), "Allyship")
    choose(trust.get_by_label("Question it answers"), "What I need")
    with page.expect_navigation():
        press(trust.get_by_role("button", name=re.compile("^Place")))
    card = page.locator(".consensus-item").filter(has_text="Place “Trust and honesty”")
    assert "Placed in Allyship, under “What I need?”." in card.inner_text()

    sponsorship = page.get_by_role("group", name="Place “Career sponsorship”")
    choose(sponsorship.get_by_label("Domain"), "Sponsorship")
    choose(sponsorship.get_by_label("Question it answers"), "What I require")
    with page.expect_navigation():
        press(sponsorship.get_by_role("button", name=re.compile("^Place")))

    card = page.locator("#domain-surface")
    press(card.locator("summary", has_text="Rename or define “Surface characteristics”"))
    card.get_by_label("Name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Who I am matched with")
    with page.expect_navigation():
        press(card.get_by_role("button", name=re.compile("^Save")))
    assert page.locator("#domain-surface h3").inner_text() == "Who I am matched with"
    assert axe_violations(page) == []

    figure = page.get_by_role("img", name="Northbrook mentoring model (version 1)")
    assert "Allyship: What I need? Trust and honesty." in figure.locator("desc").text_content()

    with page.expect_download() as caught:
        press(page.get_by_role("link", name="Figure (SVG, for a paper or a slide)"))
    download = caught.value
    assert download.suggested_filename == "northbrook-mentoring-model-v1-draft.svg"
    svg = download.path().read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Q1 Trust and honesty" in svg
    assert "Who I am matched with" in svg

    with page.expect_navigation():
        press(page.get_by_role("button", name="Publish version 1"))
    version = PublishedModel.objects.get()
    assert page.url.endswith(reverse("consensus:published", args=[org.slug, version.pk]))
    assert "Version 1 of the model has been published." in page.content()
    assert axe_violations(page) == []
    assert {p.domain for p in Placement.objects.all()} == {"allyship", "sponsorship"}


def test_dragging_a_theme_onto_a_question_places_it(page, live_server, org, fay):  # noqa: F811
    workshop = finish_workshop(org, fay)
    draft = ModelDraft.objects.create(organisation=org, name="Dragged", document=_frame())
    draft.workshops.add(workshop)
    signed_in(page, live_server, fay)
    # Tall enough to show the theme and the domain at once: a person's browser scrolls while
    # they drag, Playwright's synthetic drag does not.
    page.set_viewport_size({"width": 1280, "height": 4000})
    page.goto(live_server.url + reverse("consensus:draft", args=[draft.pk]))
    card = page.locator("[data-consensus-item^='theme-']").first
    assert card.get_attribute("draggable") == "true"
    target = page.locator("[data-consensus-drop][data-domain='circles'][data-question='support']")
    with page.expect_navigation():
        card.drag_to(target, source_position={"x": 30, "y": 20})
    placement = Placement.objects.get()
    assert (placement.domain, placement.question) == ("circles", "support")


def _frame() -> str:
    from allied.core import model as core

    return core.to_json(core.without_themes(core.STUDY_MODEL))
