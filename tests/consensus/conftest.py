"""A finished workshop with themes, votes and notes, run through the workshop's own actions,
and a model draft built from it."""

from __future__ import annotations

import uuid

import pytest

from allied.consensus import actions as consensus
from allied.demo.workshops import run_question
from allied.workshops import actions
from allied.workshops.models import Question, StaffRole, Workshop, WorkshopStaff

# Each participant's top choices, in rank order (top-3), and the theme of each idea; "Coffee
# with peers" stays in no theme.
VOTES = [
    ["Honest conversations", "Opens doors", "Time"],
    ["Honest conversations", "Time", "Opens doors"],
    ["Opens doors", "Honest conversations", "Coffee with peers"],
    ["Honest conversations", "Names me for projects"],
]
THEMES = {
    "Honest conversations": "Trust and honesty",
    "Time": "Trust and honesty",
    "Opens doors": "Career sponsorship",
    "Names me for projects": "Career sponsorship",
}
NOTES = {"Opens doors": "The group said sponsorship matters more than advice."}


def finish_workshop(org, lead, title="What matters in mentoring", votes=VOTES, themes=THEMES):
    """Returns a finished one-question workshop led by `lead`, voted on (top-3) with the
    ideas in `votes`, grouped into `themes`, with a note taken about one idea."""
    workshop = Workshop.objects.create(organisation=org, title=title, created_by=lead)
    question = Question.objects.create(
        workshop=workshop, order=1, text="What do you consider is important in mentoring?", k=3
    )
    WorkshopStaff.objects.get_or_create(
        workshop=workshop, user=lead, defaults={"role": StaffRole.LEAD}
    )
    people = [
        actions.participant_consent(
            workshop=workshop, participant=None, session_token=str(uuid.uuid4())
        )
        for _ in votes
    ]
    actions.workshop_start(workshop=workshop, by=lead)
    ideas = dict.fromkeys(t for ballot in votes for t in ballot)
    item = {
        "ideas": {text: themes.get(text, "") for text in ideas},
        "notes": {text: note for text, note in NOTES.items() if text in ideas},
        "votes": votes,
    }
    run_question(workshop, question, item, people, lead)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.FINISHED
    return workshop


@pytest.fixture
def finished(org, fay):
    return finish_workshop(org, fay)


@pytest.fixture
def unfinished(org, fay):
    """A draft (not yet run) workshop led by Fay."""
    workshop = Workshop.objects.create(organisation=org, title="Not run yet", created_by=fay)
    Question.objects.create(workshop=workshop, order=1, text="What matters?")
    WorkshopStaff.objects.create(workshop=workshop, user=fay, role=StaffRole.LEAD)
    return workshop


@pytest.fixture
def facilitator(client, signed_in, fay):
    """The test client, signed in as Fay, who leads the workshops."""
    signed_in(fay)
    return client


@pytest.fixture
def draft(finished, fay):
    made, _ = consensus.draft_create(workshop=finished, name="Our mentoring model", by=fay)
    return made


def theme_key(workshop, name: str) -> str:
    from allied.workshops.models import Theme

    return f"theme-{Theme.objects.get(question__workshop=workshop, name=name).pk}"


def idea_key(workshop, text: str) -> str:
    from allied.workshops.models import Idea

    return f"idea-{Idea.objects.get(question__workshop=workshop, text=text).pk}"
