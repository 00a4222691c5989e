"""A programme's wording, generated from the mentoring model it runs on: the intake's
developmental-needs questions, the agreement's sections, the meeting prompts, the review's
questions on allyship and the allyship reflection.

Pure: every function takes an `allied.core.model.MentoringModel` (a programme's is
`Programme.mentoring_model()`) and returns plain values, so changing the model changes the
programme's words without code. Only words come from here: field names and stored codes stay
those of `allied.core.matching.vocabulary.NEEDS_QUESTIONS` and `allied.core.allyship.QUALITIES`,
which the matching engine and the reports read.

The intake stores a mentee's needs under the four question codes (need, help, support,
require), which are the codes of the study's questions and the only ones the model builder
gives a model. A model that asks any other question cannot be chosen for a programme
(`unstorable`); a model that leaves one of the four out is asked it in the study's words, so
no stored answer loses its question (docs/decisions/0015-programme-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from allied.core import allyship
from allied.core.model import STUDY_MODEL, MentoringModel, Question

# The needs question codes the intake stores, in the order the study asks them.
# They are the codes of `vocabulary.NEEDS_QUESTIONS` (a test checks).
NEEDS_CODES: tuple[str, ...] = ("need", "help", "support", "require")

# The agreement's field for the mentee's answer to each question.
AGREEMENT_FIELDS: dict[str, str] = {
    "need": "what_i_need",
    "help": "what_can_help_me",
    "support": "what_can_support_me",
    "require": "what_i_require",
}

# Shared-notes prompts about allyship, each shown when the model has all its qualities.
ALLYSHIP_PROMPTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("kindness", "courage"), "where did we need them today?"),
    (("believing", "challenging", "disrupting"), "what did we believe, question or push back on?"),
    (("humility",), "what did each of us learn from the other?"),
    (("awareness",), "did anything come up, and what will we do about it?"),
)


@dataclass(frozen=True)
class Asked:
    """One of the programme's needs questions: its stored code, its wording ("What I need?"),
    what it means in the model, and the themes the model placed under it (with their
    domains), which say what it covers in this programme."""

    code: str
    text: str
    meaning: str
    themes: tuple[str, ...] = ()

    @property
    def hint(self) -> str:
        """Returns the question's meaning, and the themes placed under it when there are any."""
        if not self.themes:
            return self.meaning
        return f"{self.meaning} In this programme it covers: {'; '.join(self.themes)}."


@dataclass(frozen=True)
class NeedsGroup:
    """The words of one question on the intake's needs step."""

    code: str
    heading: str
    topics_label: str
    topics_hint: str
    words_label: str


def unstorable(model: MentoringModel) -> list[str]:
    """Returns the wording of each question of the model that the intake cannot store (its
    code is not one of the four), in the model's order; empty when a programme may use it."""
    return [q.text for q in model.questions if q.code not in NEEDS_CODES]


def questions(model: MentoringModel) -> tuple[Asked, ...]:
    """Returns the four needs questions in the study's order, in the model's words; a
    question the model does not ask keeps the study's words."""
    placed: dict[str, list[str]] = {}
    for domain, theme in model.themes():
        placed.setdefault(theme.question, []).append(f"{theme.name} ({domain.name})")
    asked = []
    for code in NEEDS_CODES:
        question = _question(model, code)
        asked.append(
            Asked(code, _with_mark(question.text), question.meaning, tuple(placed.get(code, ())))
        )
    return tuple(asked)


def _question(model: MentoringModel, code: str) -> Question:
    for question in model.questions:
        if question.code == code:
            return question
    return STUDY_MODEL.question(code)


def _with_mark(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(("?", ".", "!")) else f"{text}?"


def question_list(model: MentoringModel) -> tuple[str, ...]:
    """Returns the four questions' wording, for a list ("What I need?", ...)."""
    return tuple(q.text for q in questions(model))


def needs_step(model: MentoringModel) -> tuple[NeedsGroup, ...]:
    """Returns the words of the intake's needs step, a group per question."""
    return tuple(
        NeedsGroup(
            code=q.code,
            heading=q.text,
            topics_label=f"{q.text} Topics",
            topics_hint=f"{q.hint} Choose all that apply.",
            words_label=f"{q.text} In your own words (optional)",
        )
        for q in questions(model)
    )


def model_summary(model: MentoringModel) -> str:
    """Returns one sentence saying who the model puts at the centre of which domains."""
    centre = model.centre.strip()
    centre = centre if centre[:2].isupper() else centre[:1].lower() + centre[1:]
    domains = _listed([d.name for d in model.domains], lower=True)
    return f"This programme's model puts {centre} at the centre of {domains}."


def agreement(model: MentoringModel) -> dict:
    """Returns the agreement's words: the heading and introduction of the mentee's
    questions, and for each agreement field its label and hint."""
    asked = questions(model)
    return {
        "heading": "The mentee's questions",
        "intro": (
            "From the mentee's intake, under the questions of this programme's model; change "
            "them as you talk."
        ),
        "labels": {AGREEMENT_FIELDS[q.code]: q.text for q in asked},
        "hints": {AGREEMENT_FIELDS[q.code]: q.hint for q in asked},
    }


def agreement_rows(model: MentoringModel, agreement_row) -> list[tuple[str, str]]:
    """Returns (question, what the agreement says) for each question, for a summary list."""
    return [
        (q.text, getattr(agreement_row, AGREEMENT_FIELDS[q.code]) or "") for q in questions(model)
    ]


def meeting_prompts(model: MentoringModel) -> tuple[str, ...]:
    """Returns prompts for a meeting's shared notes: the questions, each domain, the
    qualities of allyship the model holds, and what happens next."""
    prompts = [" ".join(question_list(model))]
    prompts += [f"{d.name}: what has happened here since we last met?" for d in model.domains]
    names = {q.code: q.name for q in model.qualities}
    for codes, prompt in ALLYSHIP_PROMPTS:
        if all(code in names for code in codes):
            prompts.append(
                f"{_listed([names[c] for c in codes], lower=True, start=True)}: {prompt}"
            )
    prompts.append("What will each of us do before we next meet?")
    return tuple(prompts)


def _listed(names: list[str], *, lower: bool = False, start: bool = False) -> str:
    """Returns "a, b and c". With `lower`, names start in lower case for the middle of a
    sentence (the first keeps its capital when `start`), unless they start with an
    abbreviation ("NHS")."""
    if lower:
        names = [
            n if (start and i == 0) or n[:2].isupper() else n[:1].lower() + n[1:]
            for i, n in enumerate(names)
        ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def allyship_statement(model: MentoringModel) -> str:
    """Returns what the model says allyship is, or the qualities' names when it says nothing."""
    if model.allyship.strip():
        return model.allyship.strip()
    names = [q.name for q in model.qualities] or [q.name for q in allyship.QUALITIES]
    return f"Allyship: {'; '.join(names)}."


def review(model: MentoringModel) -> dict:
    """Returns the review's words from the model: the mentee's allyship rating's hint, and an
    introduction that names the questions and domains to think back over."""
    return {
        "allyship_hint": allyship_statement(model),
        "intro": (
            f"Think back over your mentoring under this programme's questions "
            f"({' '.join(question_list(model))}) and across its domains: "
            f"{_listed([d.name for d in model.domains], lower=True)}."
        ),
    }


def qualities(model: MentoringModel) -> tuple[allyship.Quality, ...]:
    """Returns the qualities a reflection rates, in `allied.core.allyship.QUALITIES` order and
    with its codes (those are stored), each with the model's name and description where the
    model has that quality."""
    mine = {q.code: q for q in model.qualities}
    return tuple(mine.get(q.code, q) for q in allyship.QUALITIES)


def reflection(model: MentoringModel) -> dict:
    """Returns the allyship reflection's words: the model's statement of allyship, and the
    qualities to rate (see `qualities`)."""
    return {"statement": allyship_statement(model), "qualities": qualities(model)}
