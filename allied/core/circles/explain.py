"""Plain-language explanation of a formation: each circle's size, mix, likeness and unmet wishes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from allied.core.circles.model import BLANK, CircleSpec, Formation, Person


@dataclass(frozen=True)
class CircleReport:
    """What a coordinator needs to review one circle.

    `mix` gives, per diverse attribute, each value and how many members hold it (most first).
    `likeness` gives, per alike attribute, the value most members share and how many do: a
    value that shares any (`CircleSpec.shares_any`, a meeting mode of "either") counts towards
    every other.
    `unmet` holds sentences about wishes this circle could not meet.
    """

    number: int
    size: int
    members: tuple[str, ...]
    facilitator: str | None
    mix: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    likeness: tuple[tuple[str, str, int], ...]
    unmet: tuple[str, ...]


def explain(
    formation: Formation, people: Sequence[Person], spec: CircleSpec
) -> tuple[CircleReport, ...]:
    """Return one CircleReport per circle, in circle order."""
    by_id = {p.id: p for p in people}
    reports = []
    for circle in formation.circles:
        members = [by_id[m] for m in circle.members]
        mix = tuple(
            (attribute, _counted(m.value(attribute) for m in members)) for attribute in spec.diverse
        )
        likeness = [
            (attribute, *_shared(attribute, [m.value(attribute) for m in members], spec))
            for attribute in spec.alike
        ]
        unmet = tuple(
            _sentence(u.kind, u.people, u.reason)
            for u in formation.unmet
            if u.circle == circle.number
        )
        reports.append(
            CircleReport(
                number=circle.number,
                size=len(members),
                members=circle.members,
                facilitator=circle.facilitator,
                mix=mix,
                likeness=tuple(likeness),
                unmet=unmet,
            )
        )
    return tuple(reports)


def render_text(formation: Formation, reports: Sequence[CircleReport], spec: CircleSpec) -> str:
    """Return a plain-text report: the overall quality, each attribute's score, then each circle."""
    sizes = formation.sizes()
    lines = [
        f"{len(formation.circles)} circles of {spec.size} for {sum(sizes)} people "
        f"(sizes {min(sizes)}–{max(sizes)}); seed {formation.seed}.",
        f"Quality {formation.quality:.3f} (1 is best); the random split it started from scored "
        f"{formation.start_quality:.3f}.",
    ]
    for score in formation.scores:
        meaning = "mix like the cohort" if score.kind == "diverse" else "shared within circles"
        lines.append(
            f"  {score.attribute} ({score.kind}, weight {score.weight:g}): "
            f"{score.score:.3f} ({meaning})"
        )
    unmet = [u for u in formation.unmet if u.circle is None]
    for u in unmet:
        lines.append(f"  Not met: {_sentence(u.kind, u.people, u.reason)}")
    for report in reports:
        lines.append("")
        head = f"Circle {report.number}: {report.size} people"
        if report.facilitator:
            head += f", facilitated by {report.facilitator}"
        lines.append(head)
        for attribute, counts in report.mix:
            mix = ", ".join(f"{value} {count}" for value, count in counts)
            lines.append(f"  {attribute}: {len(counts)} different ({mix})")
        for attribute, value, count in report.likeness:
            lines.append(f"  {attribute}: {count} of {report.size} share {value}")
        for sentence in report.unmet:
            lines.append(f"  Not met: {sentence}")
    return "\n".join(lines) + "\n"


def _shared(attribute: str, values: list[str], spec: CircleSpec) -> tuple[str, int]:
    """The value most of `values` share, and how many share it. Holders of the attribute's
    `shares_any` value share any value given (never a missing one), so they count towards
    the most common; if nobody gave another, they share their own."""
    anything = spec.shares_any.get(attribute)
    given = _counted(value for value in values if value not in (anything, BLANK))
    if anything is None or not given:
        return _counted(values)[0]
    value, count = given[0]
    return value, count + sum(1 for value in values if value == anything)


def _counted(values) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _sentence(kind: str, people: Sequence[str], reason: str) -> str:
    if kind == "cannot-link":
        return f"{people[0]} and {people[1]} should not share a circle but do: {reason}"
    if kind == "facilitator":
        return f"no facilitator: {reason}"
    return reason
