"""The one place that turns a draft's workshops and placements into the core's model.

Every theme of every question of the draft's workshops becomes an `Item`, with its score in
the latest voting round and its trail: the ideas behind it (with their own scores) and the
notes taken about them. An idea the group left out of every theme is an item of its own, so
nothing the workshop said is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from allied.consensus.models import ModelDraft, Placement
from allied.core import model as core
from allied.core import ngt
from allied.workshops.models import Question, Workshop
from allied.workshops.results import ballot_ideas, question_tally


@dataclass
class Item:
    """Something that can be placed: a workshop theme or an idea in no theme."""

    key: str
    kind: str  # "theme" or "idea"
    pk: int
    name: str
    workshop: Workshop
    question: Question
    rank: int | None = None
    total: float | None = None
    voters: int | None = None
    ideas: list[core.TrailIdea] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    placement: Placement | None = None

    @property
    def source(self) -> str:
        return f"{self.workshop.title}, question {self.question.order}: {self.question.text}"

    @property
    def score(self) -> str:
        return core.score_text(self.rank, self.total, self.voters)

    def ref(self, placement: Placement) -> core.ThemeRef:
        """Returns the item as placed, for the core's model."""
        return core.ThemeRef(
            key=self.key,
            name=self.name,
            question=placement.question,
            source=self.source,
            rank=self.rank,
            total=self.total,
            voters=self.voters,
            ideas=tuple(self.ideas),
            notes=tuple(self.notes),
            note=placement.note,
        )


def _latest(tally: ngt.TallyResult | None) -> ngt.QuestionResult | None:
    if tally is None or not tally.questions:
        return None
    return max(tally.questions, key=lambda block: block.round)


def _trail_idea(idea, block: ngt.QuestionResult | None) -> core.TrailIdea:
    if block is not None and idea.label in block.idea_names:
        line = block.idea(idea.label)
        return core.TrailIdea(idea.number, idea.text, line.rank, float(line.total), line.voters)
    return core.TrailIdea(idea.number, idea.text)


def question_items(question: Question) -> list[Item]:
    """Returns the question's themes (by rank among themes, then name) and then its ideas in
    no theme (by rank, then number), each with its trail. Tallies the question: a few queries."""
    block = _latest(question_tally(question))
    ideas = ballot_ideas(question)
    notes: dict[int, list[str]] = {}
    for note in question.notes.exclude(idea=None):
        notes.setdefault(note.idea_id, []).append(note.text)
    theme_lines = {t.theme: t for t in block.themes} if block is not None else {}
    themes: dict[int, Item] = {}
    loose: list[Item] = []
    for idea in ideas:
        trail = _trail_idea(idea, block)
        idea_notes = notes.get(idea.pk, [])
        if idea.theme is None:
            loose.append(
                Item(
                    f"idea-{idea.pk}",
                    "idea",
                    idea.pk,
                    idea.text,
                    question.workshop,
                    question,
                    trail.rank,
                    trail.total,
                    trail.voters,
                    [trail],
                    list(idea_notes),
                )
            )
            continue
        item = themes.get(idea.theme_id)
        if item is None:
            line = theme_lines.get(idea.theme.name)
            item = themes[idea.theme_id] = Item(
                f"theme-{idea.theme_id}",
                "theme",
                idea.theme_id,
                idea.theme.name,
                question.workshop,
                question,
                line.rank if line else None,
                float(line.total) if line else None,
                line.voters if line else None,
            )
        item.ideas.append(trail)
        item.notes.extend(idea_notes)
    last = 10**9
    ordered = sorted(themes.values(), key=lambda i: (i.rank or last, i.name.casefold()))
    ordered += sorted(loose, key=lambda i: (i.rank or last, i.ideas[0].number))
    return ordered


def items_for(draft: ModelDraft) -> list[Item]:
    """Returns every placeable item of the draft's workshops, question by question, each with
    its placement (None when not placed yet)."""
    placements = {p.key: p for p in draft.placements.all()}
    items = []
    for workshop in draft.workshops.order_by("date", "title", "pk"):
        for question in workshop.questions.select_related("workshop"):
            for item in question_items(question):
                item.placement = placements.get(item.key)
                items.append(item)
    return items


def to_model(
    draft: ModelDraft, items: list[Item] | None = None, version: int | None = None
) -> core.MentoringModel:
    """Returns the draft as the core's model: its frame with every placed item. A placement
    whose domain or question has gone (it cannot, through the actions) is left out rather than
    breaking the page."""
    items = items_for(draft) if items is None else items
    model = draft.frame()
    if version is not None:
        model = replace(model, version=version)
    for item in items:
        if item.placement is None:
            continue
        try:
            model = core.place(
                model, item.ref(item.placement), item.placement.domain, item.placement.question
            )
        except core.ModelError:
            continue
    return model
