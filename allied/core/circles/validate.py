"""Checks that a cohort can be formed into circles at all, and the must-link groups it forms.

Every problem found is returned, so a coordinator can fix them all at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from allied.core.circles.model import CircleSpec, Pair, Person, Problem, SizeRange


@dataclass(frozen=True)
class Groups:
    """Must-link groups over people in a fixed order.

    `units[u]` lists the indices of the people who must share a circle (most are alone);
    `unit_of[i]` is person i's unit; `conflicts[u]` lists, with repeats, the units unit u has a
    cannot-link with, one entry per cannot-link pair.
    """

    units: tuple[tuple[int, ...], ...]
    unit_of: tuple[int, ...]
    conflicts: tuple[tuple[int, ...], ...]
    cannot: tuple[tuple[int, int], ...]


def size_problem(people: int, size: SizeRange, circles: int | None = None) -> Problem | None:
    """Return why `people` cannot be split into circles of `size` (and `circles` circles), or None."""
    counts = size.circle_counts(people)
    if circles is not None:
        if circles < 1:
            return Problem("The number of circles must be at least 1.")
        if circles not in counts:
            low, high = circles * size.low, circles * size.high
            return Problem(
                f"{people} {_people(people)} cannot form {circles} "
                f"circle{'s' if circles != 1 else ''} of {size}: "
                f"that needs between {low} and {high} people."
            )
        return None
    if counts:
        return None
    if people < size.low:
        return Problem(
            f"{people} {_people(people)} cannot form even one circle of {size}: "
            f"a circle needs at least {size.low}."
        )
    fewer = people // size.high
    more = fewer + 1
    return Problem(
        f"{people} people cannot be split into circles of {size}: {fewer} "
        f"circle{'s hold' if fewer != 1 else ' holds'} at most {fewer * size.high} and {more} "
        f"circles need at least {more * size.low}. Widen the size range."
    )


def default_circle_count(people: int, size: SizeRange) -> int:
    """Return the feasible number of circles whose even sizes lie nearest the middle of the range.

    Ties go to fewer circles, which need fewer facilitators. Raises ValueError when none is feasible.
    """
    counts = size.circle_counts(people)
    if not counts:
        raise ValueError(f"{people} people cannot be split into circles of {size}.")
    middle = (size.low + size.high) / 2
    return min(counts, key=lambda k: (abs(people / k - middle), k))


def check(people: Sequence[Person], spec: CircleSpec) -> tuple[Problem, ...]:
    """Return every reason the people cannot be formed into circles as the spec asks (empty if none)."""
    problems: list[Problem] = []
    if not people:
        return (Problem("There is nobody to place in circles: the list of people is empty."),)
    rows_of: dict[str, list[int]] = defaultdict(list)
    for p in people:
        rows_of[p.id].append(p.row or 0)
        if not p.id.strip():
            problems.append(Problem("The id is blank.", _rows(p.row)))
    for person_id, rows in rows_of.items():
        if len(rows) > 1 and person_id.strip():
            problems.append(
                Problem(
                    f"The id '{person_id}' appears {len(rows)} times; each person needs their own.",
                    tuple(r for r in rows if r),
                )
            )
    known = set().union(*(p.attributes.keys() for p in people))
    for attribute in spec.attributes:
        if attribute not in known:
            problems.append(Problem(f"No person has the attribute '{attribute}'."))
    problem = size_problem(len(people), spec.size, spec.circles)
    if problem is not None:
        problems.append(problem)
    ids = {p.id for p in people}
    for kind, pairs in (("must-link", spec.must_link), ("cannot-link", spec.cannot_link)):
        for pair in pairs:
            problems.extend(_pair_problems(kind, pair, ids))
    if not problems:
        problems.extend(_group_problems(people, spec))
    return tuple(problems)


def groups(people: Sequence[Person], spec: CircleSpec) -> Groups:
    """Return the must-link groups and cannot-link conflicts; assumes `check` found no problem."""
    index = {p.id: i for i, p in enumerate(people)}
    parent = list(range(len(people)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in spec.must_link:
        a, b = root(index[pair.first]), root(index[pair.second])
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(people)):
        members[root(i)].append(i)
    # Units in order of their first member, so the numbering follows the people's order.
    units = tuple(tuple(m) for _, m in sorted(members.items()))
    unit_of = [0] * len(people)
    for u, unit in enumerate(units):
        for i in unit:
            unit_of[i] = u
    conflicts: list[list[int]] = [[] for _ in units]
    cannot = sorted({tuple(sorted((index[p.first], index[p.second]))) for p in spec.cannot_link})
    for a, b in cannot:
        conflicts[unit_of[a]].append(unit_of[b])
        conflicts[unit_of[b]].append(unit_of[a])
    return Groups(
        units=units,
        unit_of=tuple(unit_of),
        conflicts=tuple(tuple(c) for c in conflicts),
        cannot=tuple((a, b) for a, b in cannot),
    )


def _pair_problems(kind: str, pair: Pair, ids: set[str]) -> list[Problem]:
    problems = []
    for person_id in (pair.first, pair.second):
        if person_id not in ids:
            problems.append(
                Problem(f"The {kind} pair names '{person_id}', who is not in the list of people.")
            )
    if pair.first == pair.second:
        problems.append(Problem(f"The {kind} pair names '{pair.first}' twice."))
    return [Problem(p.message, _rows(pair.row), kind) for p in problems]


def _group_problems(people: Sequence[Person], spec: CircleSpec) -> list[Problem]:
    found = groups(people, spec)
    problems = []
    must_rows: dict[int, list[int]] = defaultdict(list)
    index = {p.id: i for i, p in enumerate(people)}
    for pair in spec.must_link:
        if pair.row is not None:
            must_rows[found.unit_of[index[pair.first]]].append(pair.row)
    for u, unit in enumerate(found.units):
        if len(unit) > spec.size.high:
            names = ", ".join(people[i].id for i in unit)
            problems.append(
                Problem(
                    f"Must-link pairs join {len(unit)} people ({names}), more than the largest "
                    f"circle of {spec.size.high} can hold.",
                    tuple(must_rows[u]),
                    "must-link",
                )
            )
    for pair in spec.cannot_link:
        u = found.unit_of[index[pair.first]]
        if u == found.unit_of[index[pair.second]]:
            problems.append(
                Problem(
                    f"'{pair.first}' and '{pair.second}' must not share a circle, but must-link "
                    f"pairs put them in the same one (must-link rows "
                    f"{', '.join(map(str, sorted(must_rows[u]))) or 'given'}).",
                    _rows(pair.row),
                    "cannot-link",
                )
            )
    return problems


def _rows(row: int | None) -> tuple[int, ...]:
    return () if row is None else (row,)


def _people(n: int) -> str:
    return "person" if n == 1 else "people"
