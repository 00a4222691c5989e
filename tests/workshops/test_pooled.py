"""One question pooled across two workshops, through the page."""

import uuid

import pytest
from django.urls import reverse

from allied.workshops import actions
from allied.workshops.models import Phase, Question, StaffRole, Workshop, WorkshopStaff

pytestmark = pytest.mark.django_db


def run_to_results(org, lead, title, votes, theme_of):
    """Returns a workshop whose first question has been voted on: `votes` lists each
    participant's ideas in rank order; `theme_of` maps idea text to a theme."""
    workshop = Workshop.objects.create(organisation=org, title=title, created_by=lead)
    question = Question.objects.create(workshop=workshop, order=1, text="What matters?", k=3)
    WorkshopStaff.objects.create(workshop=workshop, user=lead, role=StaffRole.LEAD)
    people = [
        actions.participant_consent(
            workshop=workshop, participant=None, session_token=str(uuid.uuid4())
        )
        for _ in votes
    ]
    actions.workshop_start(workshop=workshop, by=lead)
    for phase in (Phase.SILENT, Phase.ROUND_ROBIN):
        question = actions.phase_move(question=question, to_phase=phase, by=lead)
    texts = list(dict.fromkeys(text for ballot in votes for text in ballot))
    for text in texts:
        question.refresh_from_db()
        order = actions.turn_order(workshop)
        actions.turn_take(
            question=question,
            participant=order[question.turn_index % len(order)],
            client_id=uuid.uuid4(),
            text=text,
        )
    question = actions.phase_move(question=question, to_phase=Phase.CLARIFICATION, by=lead)
    for theme in set(theme_of.values()):
        ideas = [i for i in question.ideas.all() if theme_of.get(i.text) == theme]
        if ideas:
            actions.ideas_theme(question=question, name=theme, ideas=ideas, by=lead)
    question = actions.phase_move(question=question, to_phase=Phase.VOTING, by=lead)
    ideas = {i.text: i for i in question.ideas.all()}
    for person, ballot in zip(people, votes, strict=True):
        values = {ideas[text]: rank for rank, text in enumerate(ballot, start=1)}
        actions.ballot_submit(
            question=question, participant=person, client_id=uuid.uuid4(), values=values
        )
    actions.phase_move(question=question, to_phase=Phase.RESULTS, by=lead)
    return workshop


THEMES = {
    "Trust": "Relationship",
    "Time": "Relationship",
    "Sponsor": "Sponsorship",
    "Doors": "Sponsorship",
}


def test_a_question_is_pooled_across_two_workshops(client, signed_in, fay, org):
    big = run_to_results(
        org,
        fay,
        "Group A",
        [["Trust", "Sponsor"], ["Trust", "Time"], ["Sponsor", "Trust"], ["Trust"]],
        THEMES,
    )
    small = run_to_results(org, fay, "Group B", [["Doors", "Time"], ["Doors"]], THEMES)
    signed_in(fay)
    page = client.get(
        reverse("workshops:pooled", args=[big.pk]), {"question": "1", "with": [small.pk]}
    ).content.decode()
    assert "2 groups, 6 voters" in page
    # The pooled theme scores are worked by hand in tests/core/test_ngt_pool.py.
    assert "Sponsorship" in page and "70.8" in page


def test_workshops_voted_in_different_ways_are_not_pooled(client, signed_in, fay, org):
    first = run_to_results(org, fay, "Group A", [["Trust"]], THEMES)
    second = run_to_results(org, fay, "Group B", [["Trust"]], THEMES)
    Question.objects.filter(workshop=second).update(k=5)
    signed_in(fay)
    page = client.get(
        reverse("workshops:pooled", args=[first.pk]), {"question": "1", "with": [second.pk]}
    ).content.decode()
    assert "cannot be pooled" in page


def test_another_organisations_workshop_is_never_pooled_in(
    client, signed_in, fay, org, other_workshop
):
    mine = run_to_results(org, fay, "Group A", [["Trust"]], THEMES)
    signed_in(fay)
    page = client.get(
        reverse("workshops:pooled", args=[mine.pk]), {"question": "1", "with": [other_workshop.pk]}
    ).content.decode()
    assert "Choose at least one other workshop" in page and "Birch workshop" not in page
