"""Clashes between the things one person has promised to attend: their one-to-one mentoring
meetings and their circle sessions.

The study's participants ranked "the risk of not being able to take part in both" first among
their worries, so the system warns before two commitments collide. Pure functions over
timezone-aware intervals: no Django, no clock.

Two commitments **overlap** when one starts before the other ends; touching intervals (one ends
at 10:00, the next starts at 10:00) do not. They are a **near clash** when they do not overlap
but the gap between them is shorter than the travel buffer and at least one of them is in
person (there is no travel between two video calls).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

TRAVEL_BUFFER = timedelta(minutes=30)
OVERLAP = "overlap"
NEAR = "near"


@dataclass(frozen=True)
class Commitment:
    """One thing in a person's diary: what it is, when it starts and ends, whether in person."""

    kind: str  # "meeting" (one-to-one) or "circle"
    key: object
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    in_person: bool = False

    def __post_init__(self) -> None:
        for moment in (self.starts_at, self.ends_at):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("Commitment times must be timezone-aware.")
        if self.ends_at < self.starts_at:
            raise ValueError("A commitment cannot end before it starts.")


@dataclass(frozen=True)
class Clash:
    """Two commitments too close together: `kind` is OVERLAP or NEAR; `gap` is the time
    between the first's end and the second's start (negative when they overlap)."""

    first: Commitment
    second: Commitment
    kind: str
    gap: timedelta

    def involves(self, commitment: Commitment) -> bool:
        return commitment in (self.first, self.second)


def clashes(commitments: Iterable[Commitment], *, buffer: timedelta = TRAVEL_BUFFER) -> list[Clash]:
    """Return every pair of commitments that overlap or nearly do, earliest first.

    Each pair appears once, the earlier-starting commitment first. Cost: sorting, then each
    commitment is compared only with those starting before its end plus the buffer.
    """
    if buffer < timedelta(0):
        raise ValueError("The travel buffer cannot be negative.")
    ordered = sorted(commitments, key=lambda c: (c.starts_at, c.ends_at, str(c.key)))
    found: list[Clash] = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_at >= first.ends_at + buffer:
                break
            gap = second.starts_at - first.ends_at
            if second.starts_at < first.ends_at and first.starts_at < second.ends_at:
                found.append(Clash(first, second, OVERLAP, gap))
            elif (first.in_person or second.in_person) and gap < buffer:
                found.append(Clash(first, second, NEAR, gap))
    return found


def clashes_between(
    mine: Iterable[Commitment],
    theirs: Iterable[Commitment],
    *,
    buffer: timedelta = TRAVEL_BUFFER,
) -> list[Clash]:
    """Return the clashes between one group and another (a new circle session against a
    member's meetings), ignoring clashes within either group."""
    mine = list(mine)
    theirs = list(theirs)
    left = {id(c) for c in mine}
    return [
        clash
        for clash in clashes([*mine, *theirs], buffer=buffer)
        if (id(clash.first) in left) != (id(clash.second) in left)
    ]


def describe(clash: Clash) -> str:
    """Return a sentence for the person whose diary it is."""
    if clash.kind == OVERLAP:
        return f"{clash.first.title} and {clash.second.title} overlap."
    minutes = int(clash.gap.total_seconds() // 60)
    return (
        f"Only {minutes} minute{'s' if minutes != 1 else ''} between {clash.first.title} and "
        f"{clash.second.title}, and one of them is in person: allow time to travel."
    )
