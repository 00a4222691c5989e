"""One mentee's mentoring as a picture: the mentee at the centre of the model's domains, each
filled from their own record, with the model's questions below, each holding what the mentee
said they need and what their agreement says.

The study's model (figure 2 of the paper) has four domains; each is filled from the part of
the record that belongs to it, found by the domain's code:

- `sponsorship`: the sponsorship actions the mentee confirmed;
- `allyship`: allyship as the mentee rated it at their reviews (their own answers);
- `surface`: which of the mentee's own preferences about their mentor their match meets, in
  the matching engine's participant words (which never state another person's ethnic group
  or gender);
- `circles`: their mentoring circle.

A model built in Allied keeps these codes when a domain is renamed. A domain the record has
nothing for (one a research team added) says so; a part of the record whose domain the model
no longer has (merged into another) is shown beside the picture, so nothing is lost.

Everything here is pure: the caller gathers a `MenteeRecord` (from the database, with what the
reader may see already decided) and gets back the content, its text alternative, an accessible
SVG and a PNG. The SVG and PNG share one layout and the layout helpers of `figure`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from allied.core.model.figure import (
    VENN_HEIGHT,
    VENN_TOP,
    WIDTH,
    Layout,
    Text,
    joined_names,
    plan_png,
    plan_svg,
    venn,
)
from allied.core.model.types import MentoringModel

SPONSORSHIP = "sponsorship"
ALLYSHIP = "allyship"
SURFACE = "surface"
CIRCLES = "circles"
KINDS = (SPONSORSHIP, ALLYSHIP, SURFACE, CIRCLES)

# What a domain says when the record has nothing for it yet.
EMPTY = {
    SPONSORSHIP: "No sponsorship confirmed yet.",
    ALLYSHIP: "No review answered yet.",
    SURFACE: "No preferences stated about the mentor.",
    CIRCLES: "Not in a mentoring circle yet.",
}
NOTHING_HERE = "Nothing in the record belongs here yet: a topic for the next review."
AREA_LINES = 9
QUESTION_LINES = 3
# Characters XML 1.0 does not allow: a stray one in someone's words must not break the SVG.
# The record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sponsorship:
    """A sponsorship action the mentee confirmed: its kind ("Opportunity provided"), when it
    happened, and what the mentor did."""

    kind: str
    happened_on: date
    description: str


@dataclass(frozen=True)
class AllyshipRating:
    """The mentee's own answers about allyship at one review: the stage ("Mid-point
    review"), their rating of their mentor as an ally (1 to 5, or None), and their answers to
    the review's allyship questions as (question, answer) pairs."""

    stage: str
    rating: int | None
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CircleRecord:
    """The mentee's mentoring circle: its name, how many are in it, the sessions they went to
    of those held, and the next session (None when none is arranged)."""

    name: str
    members: int
    attended: int = 0
    held: int = 0
    next_session: date | None = None


@dataclass(frozen=True)
class MenteeRecord:
    """What one reader may see of one mentee's mentoring, already decided by the caller.

    `needs` and `agreement` are keyed by question code ("need"): the mentee's needs (topics
    and own words) and what their agreement says. `preferences` are lines in the matching
    engine's participant words. `withheld` maps a record kind ("allyship") to the sentence
    shown instead of that part, for a reader who may not see it."""

    name: str
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    agreement: Mapping[str, str] = field(default_factory=dict)
    sponsorship: tuple[Sponsorship, ...] = ()
    allyship: tuple[AllyshipRating, ...] = ()
    preferences: tuple[str, ...] = ()
    circle: CircleRecord | None = None
    withheld: Mapping[str, str] = field(default_factory=dict)
    mentor: str = ""


# The picture's content -------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A domain of the picture: its name and definition, what the record puts in it (or
    `empty`, the sentence shown when nothing does), and the record kind it comes from."""

    code: str
    name: str
    definition: str
    lines: tuple[str, ...]
    empty: str
    kind: str = ""


@dataclass(frozen=True)
class QuestionEntry:
    """One of the model's questions with the mentee's needs under it and their agreement."""

    code: str
    number: int
    text: str
    meaning: str
    needs: tuple[str, ...]
    agreement: str


@dataclass(frozen=True)
class Picture:
    """One mentee's mentoring at a glance, on one model."""

    title: str
    centre: str
    mentor: str
    model_name: str
    model_version: int
    citation: str
    areas: tuple[Area, ...]
    questions: tuple[QuestionEntry, ...]
    elsewhere: tuple[Area, ...]


def day(value: date) -> str:
    """Returns a date as the site writes it: "3 March 2026"."""
    return f"{value.day} {value:%B %Y}"


def _sponsorship_lines(record: MenteeRecord) -> tuple[str, ...]:
    return tuple(
        f"{item.kind}, {day(item.happened_on)}: {' '.join(item.description.split())}"
        for item in record.sponsorship
    )


def _allyship_lines(record: MenteeRecord) -> tuple[str, ...]:
    lines = []
    for review in record.allyship:
        parts = []
        if review.rating is not None:
            parts.append(f"mentor as an ally {review.rating} of 5")
        parts.extend(
            f"{question.rstrip('?').lower()}: {answer.lower()}"
            for question, answer in review.answers
        )
        lines.append(f"{review.stage}: " + ("; ".join(parts) if parts else "no allyship answers"))
    return tuple(lines)


def _circle_lines(record: MenteeRecord) -> tuple[str, ...]:
    circle = record.circle
    if circle is None:
        return ()
    lines = [f"{circle.name}, {circle.members} member{'s' if circle.members != 1 else ''}"]
    if circle.held:
        lines.append(f"Went to {circle.attended} of {circle.held} sessions held")
    if circle.next_session is not None:
        lines.append(f"Next session {day(circle.next_session)}")
    return tuple(lines)


def record_lines(record: MenteeRecord, kind: str) -> tuple[str, ...]:
    """Returns what the record puts in the domain of this kind (empty when nothing)."""
    if kind == SPONSORSHIP:
        return _sponsorship_lines(record)
    if kind == ALLYSHIP:
        return _allyship_lines(record)
    if kind == SURFACE:
        return tuple(record.preferences)
    if kind == CIRCLES:
        return _circle_lines(record)
    return ()


def _area(code: str, name: str, definition: str, record: MenteeRecord, kind: str) -> Area:
    if kind in record.withheld:
        return Area(code, name, definition, (), record.withheld[kind], kind)
    return Area(code, name, definition, record_lines(record, kind), EMPTY[kind], kind)


def picture(model: MentoringModel, record: MenteeRecord) -> Picture:
    """Returns the picture's content: each of the model's domains filled from the record,
    each question with the mentee's needs and agreement under it, and any part of the record
    whose domain the model does not have."""
    codes = {domain.code for domain in model.domains}
    areas = tuple(
        _area(d.code, d.name, d.definition, record, d.code)
        if d.code in KINDS
        else Area(d.code, d.name, d.definition, (), NOTHING_HERE)
        for d in model.domains
    )
    names = {
        SPONSORSHIP: "Sponsorship",
        ALLYSHIP: "Allyship",
        SURFACE: "Surface characteristics",
        CIRCLES: "Mentoring circles",
    }
    elsewhere = tuple(
        _area(kind, names[kind], "", record, kind)
        for kind in KINDS
        if kind not in codes and (record_lines(record, kind) or kind in record.withheld)
    )
    questions = tuple(
        QuestionEntry(
            code=q.code,
            number=number,
            text=q.text,
            meaning=q.meaning,
            needs=tuple(x for x in record.needs.get(q.code, ()) if x.strip()),
            agreement=" ".join(str(record.agreement.get(q.code) or "").split()),
        )
        for number, q in enumerate(model.questions, start=1)
    )
    return Picture(
        title=f"{record.name}: my mentoring at a glance",
        centre=record.name,
        mentor=record.mentor,
        model_name=model.name,
        model_version=model.version,
        citation=model.citation,
        areas=areas,
        questions=questions,
        elsewhere=elsewhere,
    )


# Text alternative -------------------------------------------------------------------------


def picture_text(shown: Picture) -> str:
    """Returns the whole picture in words, for its description and anyone who cannot see it.
    Nothing is cut short here, unlike inside the drawing."""
    count = len(shown.areas)
    parts = [
        f"{shown.centre} at the centre"
        + (f", mentored by {shown.mentor}" if shown.mentor else "")
        + f", surrounded by {count} intersecting domain{'s' if count != 1 else ''} of "
        f"{shown.model_name} (version {shown.model_version}): "
        f"{joined_names([a.name for a in shown.areas])}."
    ]
    for area in (*shown.areas, *shown.elsewhere):
        body = "; ".join(area.lines) if area.lines else area.empty
        parts.append(f"{area.name}: {body.rstrip('.')}.")
    for question in shown.questions:
        needs = "; ".join(question.needs) if question.needs else "nothing named"
        agreement = question.agreement or "nothing written yet"
        parts.append(
            f"{question.text} Needs: {needs.rstrip('.')}. The agreement says: "
            f"{agreement.rstrip('.')}."
        )
    return " ".join(parts)


# The drawing ------------------------------------------------------------------------------


def _clipped(items: tuple[str, ...], width: int, limit: int, more: str, per_item: int) -> list[str]:
    """Returns the items wrapped to `width`, each to at most `per_item` lines (the last cut
    short with "…"), and at most `limit` lines in all, the last saying how many more items
    there are (`more` with the number)."""
    lines: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        wrapped = textwrap.wrap(item, width) or [""]
        if len(wrapped) > per_item:
            rest = " ".join(wrapped[per_item - 1 :])
            wrapped = [
                *wrapped[: per_item - 1],
                textwrap.shorten(rest, width - 1, placeholder="") + "…",
            ]
        lines.extend((index, line) for line in wrapped)
    if len(lines) <= limit:
        return [line for _, line in lines]
    shown = lines[: limit - 1]
    if shown and shown[-1][0] == lines[limit - 1][0]:
        shown = [line for line in shown if line[0] != shown[-1][0]]
    hidden = len(items) - len({index for index, _ in shown})
    return [line for _, line in shown] + [more.format(hidden)]


def picture_layout(shown: Picture) -> Layout:
    """Returns where every circle and line of text goes, in `figure`'s coordinate space."""
    cx = WIDTH / 2
    texts = [Text(cx, 34, textwrap.shorten(shown.title, 70, placeholder="…"), 22, bold=True)]
    subtitle = f"The programme's model: {shown.model_name} (version {shown.model_version})"
    texts.append(Text(cx, 60, textwrap.shorten(subtitle, 110, placeholder="…"), 14))
    count = len(shown.areas)
    width = 26 if count <= 4 else 20
    limit = AREA_LINES if count <= 4 else 6
    more = "and {} more (see the page)"
    blocks = [
        [(line, 20, True) for line in textwrap.wrap(area.name, 20)[:2] or [area.code]]
        + [
            (line, 14, False)
            for line in _clipped(area.lines or (area.empty,), width, limit, more, 4)
        ]
        for area in shown.areas
    ]
    circles, drawn = venn(blocks, shown.centre)
    texts += drawn
    y = VENN_TOP + VENN_HEIGHT + 30
    texts.append(Text(40, y, "The questions", 18, bold=True, anchor="start"))
    for question in shown.questions:
        y += 26
        texts.append(
            Text(40, y, f"Q{question.number} {question.text}", 15, bold=True, anchor="start")
        )
        body = []
        if question.needs:
            body.append("Needs: " + "; ".join(question.needs))
        if question.agreement:
            body.append("Agreement: " + question.agreement)
        for line in _clipped(
            tuple(body) or ("Nothing named yet.",),
            110,
            QUESTION_LINES,
            "and {} more (see the page)",
            2,
        ):
            y += 19
            texts.append(Text(72, y, line, 13, anchor="start"))
    for area in shown.elsewhere:
        y += 26
        texts.append(Text(40, y, f"Also: {area.name}", 15, bold=True, anchor="start"))
        for line in _clipped(
            area.lines or (area.empty,), 110, QUESTION_LINES, "and {} more (see the page)", 2
        ):
            y += 19
            texts.append(Text(72, y, line, 13, anchor="start"))
    if shown.citation:
        y += 12
        for line in textwrap.wrap(shown.citation, 130)[:3]:
            y += 17
            texts.append(Text(40, y, line, 11, anchor="start"))
    return Layout(WIDTH, int(y + 24), tuple(circles), tuple(texts))


def picture_svg(shown: Picture, *, id_prefix: str = "mentee-picture") -> str:
    """Returns the picture as an SVG document: role="img" with a title and a description that
    says everything in it, and no inline style (the site's Content Security Policy)."""
    return plan_svg(
        picture_layout(shown),
        title=shown.title,
        description=picture_text(shown),
        id_prefix=id_prefix,
    )


def picture_png(shown: Picture, *, dpi: int = 200) -> bytes:
    """Returns the same picture as a PNG (2000 pixels wide at the default dpi), drawn with
    matplotlib; its Title and Description metadata carry the title and the text alternative."""
    return plan_png(
        picture_layout(shown), title=shown.title, description=picture_text(shown), dpi=dpi
    )
