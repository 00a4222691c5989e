"""The mentoring model as values: domains, the questions they answer, the themes placed in
them with their trail back to a workshop, and the qualities of allyship.

A model is plain data. `to_json` and `from_json` round-trip it exactly; `problems` lists
everything wrong with one (duplicate codes, empty names, a theme placed under a question the
model does not have) so that a person can fix them all at once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from allied.core.allyship import Quality

FORMAT = "allied.mentoring-model"
FORMAT_VERSION = 1
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class ModelError(ValueError):
    """The model is not valid; `problems` lists every reason found, in words a person can act on."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class TrailIdea:
    """An idea behind a theme, as the workshop recorded it: its number on the ballot, its
    wording, and its score (rank among the question's ideas, total, how many voted for it;
    None where nobody voted)."""

    number: int
    text: str
    rank: int | None = None
    total: float | None = None
    voters: int | None = None


@dataclass(frozen=True)
class ThemeRef:
    """A theme (or a single idea) placed in a domain under one of the model's questions.

    `key` identifies it where it came from ("theme-12", "idea-40"); `source` names the
    workshop and question; `rank`, `total` and `voters` are its score there; `ideas` and
    `notes` are the trail a reviewer follows back to the discussion; `note` says why it was
    placed here."""

    key: str
    name: str
    question: str
    source: str = ""
    rank: int | None = None
    total: float | None = None
    voters: int | None = None
    ideas: tuple[TrailIdea, ...] = ()
    notes: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Domain:
    """One of the intersecting areas around the mentee, defined in words and by its themes."""

    code: str
    name: str
    definition: str = ""
    themes: tuple[ThemeRef, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question the mentee asks of each domain, with what it means ("essential for basic
    function")."""

    code: str
    text: str
    meaning: str


@dataclass(frozen=True)
class MentoringModel:
    """A model for mentoring: the mentee at the centre of intersecting domains, which answer
    the questions, with the qualities of allyship and where the model comes from."""

    name: str
    version: int
    domains: tuple[Domain, ...]
    questions: tuple[Question, ...]
    qualities: tuple[Quality, ...]
    citation: str
    centre: str = "The mentee"
    allyship: str = ""

    def domain(self, code: str) -> Domain:
        """Returns the domain with this code; raises ModelError when there is none."""
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise ModelError([f"There is no domain with the code {code!r}."])

    def question(self, code: str) -> Question:
        """Returns the question with this code; raises ModelError when there is none."""
        for question in self.questions:
            if question.code == code:
                return question
        raise ModelError([f"There is no question with the code {code!r}."])

    def themes(self) -> list[tuple[Domain, ThemeRef]]:
        """Returns every placed theme with its domain, domain by domain."""
        return [(domain, theme) for domain in self.domains for theme in domain.themes]


# Validation ---------------------------------------------------------------------------------


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def problems(model: MentoringModel) -> list[str]:
    """Returns everything wrong with the model (empty when it is valid)."""
    found: list[str] = []
    if not model.name.strip():
        found.append("The model needs a name.")
    if model.version < 1:
        found.append("The version must be 1 or more.")
    if not model.centre.strip():
        found.append("Say who is at the centre of the model (usually the mentee).")
    if not model.domains:
        found.append("The model needs at least one domain.")
    if not model.questions:
        found.append("The model needs at least one question.")
    for number, domain in enumerate(model.domains, start=1):
        if not CODE.match(domain.code):
            found.append(
                f"Domain {number} has the code {domain.code!r}: use 1 to 40 lower-case "
                "letters, digits, hyphens or underscores."
            )
        if not domain.name.strip():
            found.append(f"Domain {number} ({domain.code}) needs a name.")
    for code in _duplicates(d.code for d in model.domains):
        found.append(f"Two domains have the code {code!r}.")
    for name in _duplicates(d.name.strip().casefold() for d in model.domains if d.name.strip()):
        found.append(f"Two domains are called {name!r}.")
    for number, question in enumerate(model.questions, start=1):
        if not CODE.match(question.code):
            found.append(
                f"Question {number} has the code {question.code!r}: use 1 to 40 lower-case "
                "letters, digits, hyphens or underscores."
            )
        if not question.text.strip():
            found.append(f"Question {number} ({question.code}) needs its wording.")
    for code in _duplicates(q.code for q in model.questions):
        found.append(f"Two questions have the code {code!r}.")
    for code in _duplicates(q.code for q in model.qualities):
        found.append(f"Two qualities of allyship have the code {code!r}.")
    for quality in model.qualities:
        if not quality.name.strip():
            found.append(f"The quality of allyship {quality.code!r} needs a name.")
    asked = {q.code for q in model.questions}
    for domain, theme in model.themes():
        if not theme.key.strip():
            found.append(f"A theme in {domain.name or domain.code} has no reference.")
        if not theme.name.strip():
            found.append(f"A theme in {domain.name or domain.code} ({theme.key}) has no name.")
        if theme.question not in asked:
            found.append(
                f"The theme {theme.name!r} in {domain.name or domain.code} answers the question "
                f"{theme.question!r}, which the model does not ask."
            )
        for value in (theme.total, *(idea.total for idea in theme.ideas)):
            if value is not None and not math.isfinite(value):
                found.append(f"The theme {theme.name!r} has a score that is not a number.")
                break
    for key in _duplicates(theme.key for _, theme in model.themes()):
        found.append(f"The theme {key!r} is placed more than once.")
    return found


def validate(model: MentoringModel) -> MentoringModel:
    """Returns the model unchanged; raises ModelError listing every problem when it is invalid."""
    found = problems(model)
    if found:
        raise ModelError(found)
    return model


# JSON -------------------------------------------------------------------------------------


def to_dict(model: MentoringModel) -> dict[str, Any]:
    """Returns the model as plain JSON values, keys in a fixed order."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": model.name,
        "version": model.version,
        "centre": model.centre,
        "citation": model.citation,
        "allyship": model.allyship,
        "questions": [
            {"code": q.code, "text": q.text, "meaning": q.meaning} for q in model.questions
        ],
        "domains": [
            {
                "code": d.code,
                "name": d.name,
                "definition": d.definition,
                "themes": [_theme_dict(t) for t in d.themes],
            }
            for d in model.domains
        ],
        "qualities": [
            {"code": q.code, "name": q.name, "description": q.description} for q in model.qualities
        ],
    }


def _theme_dict(theme: ThemeRef) -> dict[str, Any]:
    return {
        "key": theme.key,
        "name": theme.name,
        "question": theme.question,
        "source": theme.source,
        "rank": theme.rank,
        "total": theme.total,
        "voters": theme.voters,
        "note": theme.note,
        "ideas": [
            {
                "number": i.number,
                "text": i.text,
                "rank": i.rank,
                "total": i.total,
                "voters": i.voters,
            }
            for i in theme.ideas
        ],
        "notes": list(theme.notes),
    }


def to_json(model: MentoringModel) -> str:
    """Returns the model as JSON text (UTF-8 safe, indented, keys in a fixed order)."""
    return json.dumps(to_dict(model), indent=2, ensure_ascii=False, allow_nan=False)


class _Reader:
    """Reads plain JSON values into the model's types, collecting a problem for every
    missing or wrongly typed field instead of stopping at the first."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def field(self, data: Any, key: str, kind: type | tuple[type, ...], where: str, default=...):
        if not isinstance(data, dict):
            self.found.append(f"{where} should be an object.")
            return None if default is ... else default
        if key not in data:
            if default is not ...:
                return default
            self.found.append(f"{where} has no {key!r}.")
            return None
        value = data[key]
        allowed = kind if isinstance(kind, tuple) else (kind,)
        if float in allowed and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, allowed) or isinstance(value, bool):
            names = " or ".join(
                {str: "text", int: "a whole number", float: "a number", list: "a list"}.get(
                    k, k.__name__
                )
                for k in allowed
                if k is not type(None)
            )
            self.found.append(f"{where}: {key!r} should be {names}.")
            return None
        return value

    def items(self, data: Any, key: str, where: str) -> list[Any]:
        value = self.field(data, key, list, where, default=[])
        return value if isinstance(value, list) else []

    def text(self, data: Any, key: str, where: str, default=...) -> str:
        value = self.field(data, key, str, where, default)
        return value if isinstance(value, str) else ""

    def number(self, data: Any, key: str, where: str) -> float | None:
        return self.field(data, key, (float, type(None)), where, default=None)

    def whole(self, data: Any, key: str, where: str) -> int | None:
        return self.field(data, key, (int, type(None)), where, default=None)

    def theme(self, data: Any, where: str) -> ThemeRef:
        return ThemeRef(
            key=self.text(data, "key", where),
            name=self.text(data, "name", where),
            question=self.text(data, "question", where),
            source=self.text(data, "source", where, ""),
            rank=self.whole(data, "rank", where),
            total=self.number(data, "total", where),
            voters=self.whole(data, "voters", where),
            note=self.text(data, "note", where, ""),
            ideas=tuple(
                TrailIdea(
                    number=self.whole(idea, "number", f"{where}, idea {n}") or 0,
                    text=self.text(idea, "text", f"{where}, idea {n}"),
                    rank=self.whole(idea, "rank", f"{where}, idea {n}"),
                    total=self.number(idea, "total", f"{where}, idea {n}"),
                    voters=self.whole(idea, "voters", f"{where}, idea {n}"),
                )
                for n, idea in enumerate(self.items(data, "ideas", where), start=1)
            ),
            notes=tuple(
                note if isinstance(note, str) else self._bad(f"{where}: notes should be text.")
                for note in self.items(data, "notes", where)
            ),
        )

    def _bad(self, problem: str) -> str:
        self.found.append(problem)
        return ""


def from_dict(data: Any) -> MentoringModel:
    """Returns the model these plain JSON values describe; raises ModelError listing every
    problem (missing fields, wrong types, then everything `problems` finds)."""
    read = _Reader()
    if not isinstance(data, dict):
        raise ModelError(["A mentoring model should be a JSON object."])
    if data.get("format") != FORMAT:
        read.found.append(f"This is not a mentoring model: 'format' should be {FORMAT!r}.")
    elif data.get("format_version") != FORMAT_VERSION:
        read.found.append(
            f"This model was written in format version {data.get('format_version')!r}; "
            f"this version of Allied reads version {FORMAT_VERSION}."
        )
    version = read.whole(data, "version", "The model")
    model = MentoringModel(
        name=read.text(data, "name", "The model"),
        version=1 if version is None else version,
        centre=read.text(data, "centre", "The model", "The mentee"),
        citation=read.text(data, "citation", "The model", ""),
        allyship=read.text(data, "allyship", "The model", ""),
        questions=tuple(
            Question(
                code=read.text(q, "code", f"Question {n}"),
                text=read.text(q, "text", f"Question {n}"),
                meaning=read.text(q, "meaning", f"Question {n}", ""),
            )
            for n, q in enumerate(read.items(data, "questions", "The model"), start=1)
        ),
        domains=tuple(
            Domain(
                code=read.text(d, "code", f"Domain {n}"),
                name=read.text(d, "name", f"Domain {n}"),
                definition=read.text(d, "definition", f"Domain {n}", ""),
                themes=tuple(
                    read.theme(t, f"Domain {n}, theme {m}")
                    for m, t in enumerate(read.items(d, "themes", f"Domain {n}"), start=1)
                ),
            )
            for n, d in enumerate(read.items(data, "domains", "The model"), start=1)
        ),
        qualities=tuple(
            Quality(
                code=read.text(q, "code", f"Quality {n}"),
                name=read.text(q, "name", f"Quality {n}"),
                description=read.text(q, "description", f"Quality {n}", ""),
            )
            for n, q in enumerate(read.items(data, "qualities", "The model"), start=1)
        ),
    )
    if read.found:
        raise ModelError(read.found)
    return validate(model)


def from_json(text: str | bytes) -> MentoringModel:
    """Returns the model in this JSON text; raises ModelError listing every problem."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelError([f"This is not valid JSON: {exc}."]) from None
    return from_dict(data)
