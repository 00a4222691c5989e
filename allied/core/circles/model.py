"""The values circle formation works on: people, what the programme asks for, and the result.

Every type is a frozen dataclass, so a formation can be passed around, compared and cached without
anyone changing it underneath. Row numbers are the ones a spreadsheet shows (header = row 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

BLANK = "(blank)"


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input; `rows` are spreadsheet row numbers (may be empty)."""

    message: str
    rows: tuple[int, ...] = ()
    source: str = ""

    def __str__(self) -> str:
        if not self.rows:
            return self.message
        rows = sorted(set(self.rows))
        where = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
        return f"{where}: {self.message}"


class CircleError(ValueError):
    """The input cannot be formed into circles; `problems` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Person:
    """A mentee to be placed in a circle: a unique id and their attribute values (text)."""

    id: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    row: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(self.attributes))

    def value(self, attribute: str) -> str:
        """Return the person's value for `attribute`, or BLANK when it is missing or empty."""
        return self.attributes.get(attribute, "") or BLANK


@dataclass(frozen=True)
class SizeRange:
    """The smallest and largest circle the programme accepts, both inclusive."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low < 1:
            raise ValueError("A circle needs at least one member, so the smallest size is 1.")
        if self.high < self.low:
            raise ValueError(
                f"The largest circle ({self.high}) is smaller than the smallest ({self.low})."
            )

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    def circle_counts(self, people: int) -> tuple[int, ...]:
        """Return every number of circles that can hold exactly `people` within the range."""
        if people < 1:
            return ()
        smallest = -(-people // self.high)
        return tuple(k for k in range(smallest, people // self.low + 1))


@dataclass(frozen=True)
class Pair:
    """Two people who must share a circle (must-link) or must not (cannot-link)."""

    first: str
    second: str
    row: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Return the two ids in sorted order, so (a, b) and (b, a) are the same pair."""
        a, b = sorted((self.first, self.second))
        return a, b


@dataclass(frozen=True)
class CircleSpec:
    """What the programme asks of its circles.

    `diverse` attributes should be mixed in every circle (profession, band, setting, region);
    `alike` attributes should be shared within a circle (availability, meeting mode, time of day).
    `weights` scale an attribute's part in the quality (default 1 each). `circles` fixes the number
    of circles; otherwise the number whose even sizes lie nearest the middle of `size` is used.
    `shares_any` names, for an alike attribute, a value that shares every other (a meeting mode
    of "either" meets online and in person): the coordinator's summary counts its holders as
    sharing whatever the circle shares.
    """

    size: SizeRange
    diverse: tuple[str, ...] = ()
    alike: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=dict)
    must_link: tuple[Pair, ...] = ()
    cannot_link: tuple[Pair, ...] = ()
    circles: int | None = None
    shares_any: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "diverse", tuple(self.diverse))
        object.__setattr__(self, "shares_any", MappingProxyType(dict(self.shares_any)))
        object.__setattr__(self, "alike", tuple(self.alike))
        object.__setattr__(self, "must_link", tuple(self.must_link))
        object.__setattr__(self, "cannot_link", tuple(self.cannot_link))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        both = set(self.diverse) & set(self.alike)
        if both:
            raise ValueError(
                f"{', '.join(sorted(both))} cannot be both diverse and alike; choose one."
            )
        for name, weight in self.weights.items():
            if not weight >= 0 or weight == float("inf"):
                raise ValueError(f"The weight of {name} must be a number of zero or more.")

    @property
    def attributes(self) -> tuple[str, ...]:
        """Return the diverse attributes, then the alike ones."""
        return (*self.diverse, *self.alike)

    def weight(self, attribute: str) -> float:
        """Return the attribute's weight in the quality (1 unless set)."""
        return float(self.weights.get(attribute, 1.0))


@dataclass(frozen=True)
class Facilitator:
    """A mentor or trained peer who can run circles.

    `capacity` is how many circles they can take on. `attributes` holds their own values for any
    alike attribute (say availability), so they are placed where they fit; `avoid` lists people
    whose circle they must not facilitate (a line manager and their report, for instance).
    """

    id: str
    capacity: int = 1
    kind: str = "mentor"
    attributes: Mapping[str, str] = field(default_factory=dict)
    avoid: frozenset[str] = frozenset()
    row: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(self.attributes))
        object.__setattr__(self, "avoid", frozenset(self.avoid))
        if self.capacity < 0:
            raise ValueError(f"Facilitator {self.id}'s capacity cannot be negative.")


@dataclass(frozen=True)
class Circle:
    """One circle: its number (from 1), its members' ids, and its facilitator's id if any."""

    number: int
    members: tuple[str, ...]
    facilitator: str | None = None


@dataclass(frozen=True)
class AttributeScore:
    """How well one attribute was served, from 0 to 1.

    For a diverse attribute, 1 means every circle's mix is as varied as the whole cohort's
    (size-weighted Gini–Simpson diversity of the circles over that of the cohort). For an alike
    attribute, 1 means every circle shares one value. An attribute with one value in the whole
    cohort scores 1 either way.
    """

    attribute: str
    kind: str
    score: float
    weight: float


@dataclass(frozen=True)
class Unmet:
    """A wish that could not be met, with the people and circle concerned and the reason."""

    kind: str
    people: tuple[str, ...]
    circle: int | None
    reason: str


@dataclass(frozen=True)
class Formation:
    """The circles formed, the quality reached and how the search went.

    `quality` (0 to 1) is the weighted mean of the attribute scores. `start_quality` is that of the
    random split the search began from, so the improvement can be seen. `unmet` lists cannot-link
    pairs left together and circles left without a facilitator, each with its reason.
    """

    circles: tuple[Circle, ...]
    quality: float
    start_quality: float
    scores: tuple[AttributeScore, ...]
    unmet: tuple[Unmet, ...] = ()
    seed: int = 1
    passes: int = 0
    exchanges: int = 0

    def assignment(self) -> dict[str, int]:
        """Return {person id: circle number}."""
        return {member: c.number for c in self.circles for member in c.members}

    def sizes(self) -> tuple[int, ...]:
        """Return the circles' sizes, in circle order."""
        return tuple(len(c.members) for c in self.circles)
