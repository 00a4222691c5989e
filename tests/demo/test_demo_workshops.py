"""The demo's two workshops: the draft one ready to run, and the finished one a research team
builds a mentoring model from."""

from __future__ import annotations

import pytest

from allied.consensus import actions as consensus
from allied.consensus.trail import question_items
from allied.demo import organisation as demo
from allied.demo.workshops import FINISHED, FINISHED_TITLE, QUESTIONS, TITLE
from allied.workshops.models import Note, Phase, Theme, Workshop

pytestmark = pytest.mark.django_db


def test_the_demo_keeps_its_draft_workshop_ready_to_run():
    organisation = demo.load_demo()
    draft = Workshop.objects.get(organisation=organisation, title=TITLE)
    assert draft.status == Workshop.Status.DRAFT
    assert [q.text for q in draft.questions.order_by("order")] == QUESTIONS


def test_the_demo_has_a_finished_workshop_with_themes_votes_and_notes():
    organisation = demo.load_demo()
    finished = Workshop.objects.get(organisation=organisation, title=FINISHED_TITLE)
    assert finished.status == Workshop.Status.FINISHED
    assert TITLE not in FINISHED_TITLE  # the two are told apart by their link text
    questions = list(finished.questions.order_by("order"))
    assert [q.text for q in questions] == QUESTIONS
    for question, item in zip(questions, FINISHED, strict=True):
        assert question.phase == Phase.DISCUSSION
        assert question.ballots.count() == len(item["votes"])
        assert set(Theme.objects.filter(question=question).values_list("name", flat=True)) == {
            name for name in item["ideas"].values() if name
        }
        assert Note.objects.filter(question=question).count() == len(item["notes"])


def test_the_finished_workshops_themes_carry_their_scores_and_trail():
    organisation = demo.load_demo()
    finished = Workshop.objects.get(organisation=organisation, title=FINISHED_TITLE)
    items = question_items(finished.questions.get(order=1))
    top = items[0]
    assert top.kind == "theme"
    assert top.rank == 1 and top.voters and top.total
    assert any("opens doors" in note for item in items for note in item.notes)
    assert [i.name for i in items if i.kind == "idea"] == ["Mentoring early in my career"]


def test_loading_the_demo_twice_changes_nothing():
    organisation = demo.load_demo()
    counts = (Workshop.objects.count(), Theme.objects.count(), Note.objects.count())
    demo.load_demo()
    assert (Workshop.objects.count(), Theme.objects.count(), Note.objects.count()) == counts
    assert Workshop.objects.filter(organisation=organisation, title=FINISHED_TITLE).count() == 1


def test_a_research_team_can_build_and_publish_a_model_from_the_finished_workshop():
    organisation = demo.load_demo()
    finished = Workshop.objects.get(organisation=organisation, title=FINISHED_TITLE)
    facilitator = finished.staff.get().user
    draft, made = consensus.draft_create(workshop=finished, name="Our model", by=facilitator)
    assert made
    top = question_items(finished.questions.get(order=1))[0]
    consensus.item_place(
        draft=draft, key=top.key, domain="sponsorship", question="need", note="", by=facilitator
    )
    published, _ = consensus.draft_publish(draft=draft, by=facilitator)
    model = published.model()
    assert [t.name for t in model.domain("sponsorship").themes] == [top.name]
