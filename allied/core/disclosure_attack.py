"""An attacker who reads every figure a report publishes and works out, with an integer
programme, the tightest range each hidden figure could be in (issue 19, item 4).

The attacker knows, and the model holds, everything a careful reader of the published tables
could put together (where in doubt, more rather than less):

- what each published string says on its own: "0" is exactly 0; a shown count v (never 5)
  was rounded to the nearest 5 from a count of at least 8, so it is somewhere in
  max(8, v - 2) .. v + 2; a mark says what `MARKS` says it does (today's "*" is shown for
  1 to 7 and for figures hidden to protect others, 0 included, so it says only "0 or more");
- every exact split the report publishes: a total is the sum of its parts (`partitions`);
- every nesting a reader knows: a figure whose people all lie inside another's is no larger
  than it. `nesting` works these out from the figures' people, keeping those its `known`
  allows: by default every one, which also gives the attacker nesting that holds on the data
  by coincidence (everyone who completed happens to have reviewed), and with it breaches no
  reader could make; a report's test passes what its own structure says instead (a cohort
  inside the programme, a status inside the registered, a month's meetings inside the
  meetings). Figures that count exactly the same people by that structure ("twins", one
  figure published in two places) are equal.

Each figure is one integer variable; a mark that says "one of these ranges" (0, or 8 and
more, say) is one binary variable per range, exactly one of them chosen. A figure's range is
found by minimising and maximising it over everything the attacker knows
(`scipy.optimize.milp`, HiGHS). A maximum that reaches `Attacker.cap` (every shown figure's
largest value added up, and 1000 more) is taken as unbounded.

`breaches` applies the test of the issue to the truth: a hidden figure of 1 to 7 must keep a
range that holds everything its mark promises (1 to 7 for "*"); a hidden figure of 0 or 8
and more must not be pinned to one value from 1 to 7. The second can only fail if the truth
itself breaks what the attacker knows (then the model, not the rule, is wrong), so it is
checked by checking the truth against every constraint, and no programme is solved for it.
For the first, tables of figures that fit everything the attacker knows are witnesses: one in
which a figure is 1 shows that 1 cannot be ruled out. The truth is one; a few solves find
tables that reach the ends for many figures at once; a figure none reaches is solved for on
its own, and a breach is confirmed by asking the solver a second way. Every table the solver
gives is checked against every constraint before it counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, hstack, vstack
from scipy.sparse.csgraph import connected_components

SMALL = (1, 7)
# HiGHS's presolve (scipy 1.17) gave a wrong least value on some of these programmes (8, for
# a figure whose true value 4 fits every constraint), found by checking every range against
# the truth; without it the answers agree with the truth and the time is the same.
PRESOLVE = False
SMALLEST_SHOWN = 8


@dataclass(frozen=True)
class Mark:
    """What a mark that stands for a hidden figure says.

    `says`: the ranges (low, high or None for no limit) a figure shown with this mark may be
    in, as far as any reader knows. `keeps`: the range a figure of 1 to 7 shown with this mark
    must still be able to take after the attacker has worked out all he can (the protection
    the mark promises), or None where the mark is never used for a figure of 1 to 7."""

    says: tuple[tuple[int, int | None], ...]
    keeps: tuple[int, int] | None


# Today one mark stands both for a count of 1 to 7 and for a figure hidden to protect another
# (which may be 0 or anything from 8 up): on its own it says nothing but "0 or more". A second
# mark for the figures hidden to protect others (issue 19, item 3) would make this, say:
#   {"*": Mark(says=((1, 7),), keeps=(1, 7)), "x": Mark(says=((0, 0), (8, None)), keeps=None)}
MARKS: dict[str, Mark] = {"*": Mark(says=((0, None),), keeps=SMALL)}
# What `Attacker.explain` puts in place of a published figure the breach does not need.
BLANK = "(any)"


def shown_says(shown: str, marks: Mapping[str, Mark] = MARKS) -> tuple[tuple[int, int | None], ...]:
    """The ranges a figure published as `shown` may be in: a mark's, or a rounded count's."""
    if shown in marks:
        return marks[shown].says
    value = int(shown)
    if value == 0:
        return ((0, 0),)
    if value % 5 or value < 10:
        raise ValueError(f"{shown!r} is not a count rounded to 5 from 8 or more")
    return ((max(SMALLEST_SHOWN, value - 2), value + 2),)


def nesting(
    masks: Mapping[str, np.ndarray],
    weights: np.ndarray,
    known: Callable[[str, str], bool] | None = None,
) -> list[tuple[str, str]]:
    """Every (inner, outer) where inner's people all lie inside outer's and `known(inner,
    outer)` says a reader knows it (by default, any), as few pairs as say it all.

    Figures that lie inside each other (the same people: "twins", one figure published in two
    places) are chained in a ring, which makes them equal; between the rings only the pairs
    with no third ring between them are kept (the others follow from those).

    Empty figures are left out: that a figure holds nobody is what its "0" says, and a hidden
    one's emptiness is not something a reader can know from the report's structure."""
    held = np.asarray(weights) > 0
    keys = [key for key in masks if (np.asarray(masks[key]) & held).any()]
    if not keys:
        return []
    table = np.stack([np.asarray(masks[key], dtype=bool)[held] for key in keys]).astype(np.float32)
    # inside[i, j]: figure i's people all lie inside figure j's.
    inside = (table @ (1 - table).T) == 0
    np.fill_diagonal(inside, False)
    if known is not None:
        for i, j in zip(*np.nonzero(inside), strict=True):
            inside[i, j] = known(keys[i], keys[j])
    graph = csr_array(inside.astype(np.int8))
    count, ring = connected_components(graph, directed=True, connection="strong")
    members: list[list[str]] = [[] for _ in range(count)]
    for key, r in zip(keys, ring, strict=True):
        members[r].append(key)
    pairs: list[tuple[str, str]] = []
    for same in members:
        if len(same) > 1:
            pairs += list(zip(same, same[1:] + same[:1], strict=True))
    rows, columns = graph.nonzero()
    between = np.zeros((count, count), dtype=bool)
    between[ring[rows], ring[columns]] = True
    np.fill_diagonal(between, False)
    # Between rings the pairs form no cycle: a pair with a ring between its two ends follows
    # from the two pairs through that ring.
    step = between.astype(np.float32)
    implied = (step @ step) > 0
    for a, b in zip(*np.nonzero(between & ~implied), strict=True):
        pairs.append((members[a][0], members[b][0]))
    return pairs


def _smallest(items: list, still: Callable[[list], bool]) -> list:
    """A small sublist of `items` for which `still` holds (it holds for `items`): chunks are
    left out while it keeps holding, from halves down to single items."""
    kept = list(items)
    chunk = max(len(kept) // 2, 1)
    while True:
        i = 0
        while i < len(kept):
            trial = kept[:i] + kept[i + chunk :]
            if still(trial):
                kept = trial
            else:
                i += chunk
        if chunk == 1:
            return kept
        chunk = max(chunk // 2, 1)


@dataclass(frozen=True)
class Breach:
    key: str
    shown: str
    truth: int
    low: int
    high: int | None  # None: no upper limit

    def __str__(self) -> str:
        high = "unbounded" if self.high is None else self.high
        return f"{self.key}: shown {self.shown!r}, truly {self.truth}, deduced {self.low}..{high}"


class Attacker:
    """One integer programme over every published figure (`shown`, key → published string),
    the exact splits (`partitions`: (total, parts)) and the nestings (`nested`: (inner,
    outer)) among them."""

    def __init__(
        self,
        shown: Mapping[str, str],
        partitions: Iterable[tuple[str, Sequence[str]]] = (),
        nested: Iterable[tuple[str, str]] = (),
        marks: Mapping[str, Mark] = MARKS,
    ):
        self.shown = dict(shown)
        self.marks = dict(marks)
        self.keys = list(self.shown)
        self.index = {key: i for i, key in enumerate(self.keys)}
        n = len(self.keys)
        says = [shown_says(self.shown[key], self.marks) for key in self.keys]
        self.cap = 1000 + sum(high for ranges in says for _, high in ranges if high is not None)
        low = np.zeros(n)
        high = np.zeros(n)
        rows: list[tuple[dict[int, float], float, float]] = []
        extra = n  # binaries for the marks that say one of several ranges
        for i, ranges in enumerate(says):
            lows = [lo for lo, _ in ranges]
            highs = [self.cap if hi is None else hi for _, hi in ranges]
            low[i], high[i] = min(lows), max(highs)
            if len(ranges) > 1:
                chosen = list(range(extra, extra + len(ranges)))
                extra += len(ranges)
                rows.append((dict.fromkeys(chosen, 1.0), 1.0, 1.0))
                rows.append(
                    ({i: 1.0, **{b: -lo for b, lo in zip(chosen, lows, strict=True)}}, 0, np.inf)
                )
                rows.append(
                    ({i: 1.0, **{b: -hi for b, hi in zip(chosen, highs, strict=True)}}, -np.inf, 0)
                )
        self.partitions = [(total, list(parts)) for total, parts in partitions]
        for total, parts in self.partitions:
            row = {self.index[total]: 1.0}
            for part in parts:
                row[self.index[part]] = row.get(self.index[part], 0.0) - 1.0
            rows.append((row, 0.0, 0.0))
        self.nested = [(inner, outer) for inner, outer in nested if inner != outer]
        for inner, outer in self.nested:
            rows.append(({self.index[inner]: 1.0, self.index[outer]: -1.0}, -np.inf, 0.0))
        self.size = extra
        self.bounds = Bounds(
            np.concatenate([low, np.zeros(extra - n)]), np.concatenate([high, np.ones(extra - n)])
        )
        data, row_of, column = [], [], []
        for r, (coefficients, _, _) in enumerate(rows):
            for c, value in coefficients.items():
                row_of.append(r)
                column.append(c)
                data.append(value)
        self.matrix = csr_array(
            coo_array((data, (row_of, column)), shape=(len(rows), extra)), dtype=float
        )
        self.row_bounds = (
            np.array([lo for _, lo, _ in rows], dtype=float),
            np.array([hi for _, _, hi in rows], dtype=float),
        )
        self.integrality = np.ones(extra)
        self.says = says
        self.solves = 0

    def _solve(
        self, objective: Mapping[int, float], bounds: Bounds | None = None
    ) -> tuple[float, np.ndarray] | None:
        """The least value of the objective and a table of every variable that gives it, or
        None when nothing fits (with `bounds` narrower than the attacker's own). Every table is
        checked against every constraint before it is believed."""
        c = np.zeros(self.size)
        for i, value in objective.items():
            c[i] = value
        bounds = bounds or self.bounds
        constraints = (
            [LinearConstraint(self.matrix, *self.row_bounds)] if self.matrix.shape[0] else []
        )
        self.solves += 1
        result = milp(
            c,
            integrality=self.integrality,
            bounds=bounds,
            constraints=constraints,
            options={"presolve": PRESOLVE},
        )
        if result.status == 2:
            return None
        if result.status != 0:
            raise AssertionError(f"the attacker's programme could not be solved: {result.message}")
        table = np.round(result.x)
        self._check(table, bounds)
        return result.fun, table

    def _check(self, table: np.ndarray, bounds: Bounds) -> None:
        """Refuses a table from the solver that breaks a constraint: tables are what passes
        a figure as safe, so none is believed unchecked."""
        product = self.matrix @ table
        lower, upper = self.row_bounds
        if (
            (table < bounds.lb - 1e-6).any()
            or (table > bounds.ub + 1e-6).any()
            or (product < lower - 1e-6).any()
            or (product > upper + 1e-6).any()
        ):
            raise AssertionError("the solver gave a table that breaks the attacker's constraints")

    def _fits(self, i: int, low: float, high: float) -> bool:
        """Whether variable i can take a value from low to high."""
        lb, ub = self.bounds.lb.copy(), self.bounds.ub.copy()
        lb[i], ub[i] = max(lb[i], low), min(ub[i], high)
        return lb[i] <= ub[i] and self._solve({}, Bounds(lb, ub)) is not None

    def lowest(self, key: str) -> tuple[int, np.ndarray]:
        """The smallest value `key` can take, and a table of figures that gives it."""
        value, table = self._solve({self.index[key]: 1.0})
        return round(value), table[: len(self.keys)].astype(np.int64)

    def highest(self, key: str) -> tuple[int | None, np.ndarray]:
        """The largest value `key` can take (None: as large as you like), and a table."""
        value, table = self._solve({self.index[key]: -1.0})
        top = None if -value >= self.cap - 0.5 else round(-value)
        return top, table[: len(self.keys)].astype(np.int64)

    def range(self, key: str) -> tuple[int, int | None]:
        return self.lowest(key)[0], self.highest(key)[0]

    def ranges(self, keys: Iterable[str] | None = None) -> dict[str, tuple[int, int | None]]:
        """The range of each of `keys` (every hidden figure by default)."""
        if keys is None:
            keys = [key for key in self.keys if self.shown[key] in self.marks]
        return {key: self.range(key) for key in keys}

    def explain(self, breach: Breach) -> Attacker:
        """The attacker cut down to a smallest part of what he knows that still gives `breach`
        away: splits, nestings and shown figures are dropped (a shown figure becomes `BLANK`,
        a mark that says nothing) while the breach holds without them, in halves, then
        quarters, down to one at a time. For reading a failure: it takes dozens of solves."""
        keeps = self.marks[breach.shown].keeps or SMALL
        marks = {**self.marks, BLANK: Mark(says=((0, None),), keeps=None)}

        def breaks(shown, relations) -> bool:
            partitions = [relation for kind, relation in relations if kind == "split"]
            nested = [relation for kind, relation in relations if kind == "nested"]
            attacker = Attacker(shown, partitions, nested, marks)
            if breach.low > keeps[0]:
                return attacker.lowest(breach.key)[0] > keeps[0]
            high = attacker.highest(breach.key)[0]
            return high is not None and high < keeps[1]

        relations = [("split", p) for p in self.partitions] + [("nested", p) for p in self.nested]
        relations = _smallest(relations, lambda kept: breaks(self.shown, kept))
        used = {breach.key}
        for kind, relation in relations:
            used.update([relation[0], *relation[1]] if kind == "split" else relation)
        numbers = sorted(key for key in used if self.shown[key] not in self.marks)

        def blanked(kept: list[str]) -> dict[str, str]:
            return {
                key: self.shown[key] if key in kept or key not in numbers else BLANK for key in used
            }

        kept = _smallest(numbers, lambda kept: breaks(blanked(kept), relations))
        return Attacker(
            blanked(kept),
            [relation for kind, relation in relations if kind == "split"],
            [relation for kind, relation in relations if kind == "nested"],
            marks,
        )

    def describe(self, truth: Mapping[str, int] | None = None) -> str:
        """The splits, nestings and figures this attacker knows, one a line (with the true
        figures in brackets, if given); a figure whose published value was not needed shows
        as "(any)"."""

        def figure(key: str) -> str:
            shown = "(any)" if self.shown[key] == BLANK else repr(self.shown[key])
            return f"{key} {shown}" + (f" ({truth[key]})" if truth is not None else "")

        lines = [
            f"{figure(total)} = " + " + ".join(map(figure, parts))
            for total, parts in self.partitions
        ]
        lines += [f"{figure(inner)} <= {figure(outer)}" for inner, outer in self.nested]
        return "\n".join(lines)

    def violations(self, truth: Mapping[str, int]) -> list[str]:
        """What the true figures break of what the attacker assumes (nothing, for a sound
        model): every assumption must hold of the truth, or the attacker knows too much."""
        found = []
        x = np.array([truth[key] for key in self.keys], dtype=float)
        for key, value, ranges in zip(self.keys, x, self.says, strict=True):
            if not any(lo <= value and (hi is None or value <= hi) for lo, hi in ranges):
                found.append(f"{key}={int(value)} is not what {self.shown[key]!r} says")
        for total, parts in self.partitions:
            if truth[total] != sum(truth[part] for part in parts):
                found.append(f"{total} is not the sum of its parts")
        for inner, outer in self.nested:
            if truth[inner] > truth[outer]:
                found.append(f"{inner} ({truth[inner]}) is larger than {outer} ({truth[outer]})")
        return found

    def breaches(self, truth: Mapping[str, int]) -> list[Breach]:
        """Every hidden figure whose protection the attacker breaks, given the true figures.

        A figure of 1 to 7 breaks when its range no longer holds all of what its mark keeps
        (1 to 7 for "*"), or when it carries a mark that promises nothing for one. What is
        asked is whether each end of what the mark keeps can be reached: a table of figures
        that fits everything the attacker knows and has the figure at 1 shows its least value
        is at most 1. The truth is one such table; a few more are found for many figures at
        once (`_tables_reaching`); only a figure no table reaches is solved for alone, and
        called a breach when its least (or largest) value is confirmed another way."""
        wrong = self.violations(truth)
        if wrong:
            raise AssertionError("the attacker assumes what is not so: " + "; ".join(wrong[:5]))
        tables = [np.array([truth[key] for key in self.keys], dtype=np.int64)]
        found = []
        lows: dict[int, int] = {}
        highs: dict[int, int] = {}
        for key in self.keys:
            mark = self.marks.get(self.shown[key])
            if mark is None or not SMALL[0] <= truth[key] <= SMALL[1]:
                continue
            if mark.keeps is None:
                found.append(Breach(key, self.shown[key], truth[key], *self.range(key)))
                continue
            lows[self.index[key]], highs[self.index[key]] = mark.keeps
        tables += self._tables_reaching(lows, highs, tables)
        for i in sorted(set(lows) | set(highs)):
            key = self.keys[i]
            low, high = lows[i], highs[i]
            narrowed = False
            if not any(table[i] <= low for table in tables):
                lowest, table = self.lowest(key)
                tables.append(table)
                narrowed = lowest > low
            if not any(table[i] >= high for table in tables):
                highest, table = self.highest(key)
                tables.append(table)
                narrowed = narrowed or (highest is not None and highest < high)
            if narrowed:
                value = truth[key]
                breach = Breach(key, self.shown[key], value, *self.range(key))
                # Asked again another way, so that only two wrong answers could make a breach
                # that is not there: can the figure be at most `low`, or at least `high`?
                top = self.cap if breach.high is None else breach.high
                if (
                    not breach.low <= value <= top
                    or (breach.low > low and self._fits(i, 0, low))
                    or (top < high and self._fits(i, high, self.cap))
                ):
                    raise AssertionError(f"the solver contradicts itself on {breach}")
                found.append(breach)
        return sorted(found, key=lambda breach: self.index[breach.key])

    def _tables_reaching(
        self, lows: Mapping[int, int], highs: Mapping[int, int], tables: list[np.ndarray]
    ) -> list[np.ndarray]:
        """Tables that fit everything the attacker knows, found for many figures at once:
        one with as many of the figures as possible at or below their `lows`, by minimising
        how far they are above them (and again for those it missed, while it reaches any), and
        the same for `highs`, by maximising each figure up to its high."""
        found: list[np.ndarray] = []
        for ends, below in ((lows, True), (highs, False)):
            while True:
                pending = [
                    i
                    for i, end in ends.items()
                    if not any((t[i] <= end) if below else (t[i] >= end) for t in tables + found)
                ]
                if not pending:
                    break
                table = self._reach(pending, [ends[i] for i in pending], below)
                if not any(
                    (table[i] <= ends[i]) if below else (table[i] >= ends[i]) for i in pending
                ):
                    break
                found.append(table)
        return found

    def _reach(self, figures: list[int], ends: list[int], below: bool) -> np.ndarray:
        """A table with the `figures` as close to their `ends` as they can all be together:
        one more variable per figure, its distance above its end (`below`), or its value up
        to its end, summed and minimised (or maximised)."""
        n, k = self.size, len(figures)
        extra = coo_array(
            (
                np.concatenate([np.ones(k), -np.ones(k)]),
                (np.concatenate([np.arange(k)] * 2), np.concatenate([figures, n + np.arange(k)])),
            ),
            shape=(k, n + k),
        )
        matrix = vstack([hstack([self.matrix, csr_array((self.matrix.shape[0], k))]), extra])
        if below:
            # figure - distance <= end, distance >= 0: minimise the distances.
            rows = (np.full(k, -np.inf), np.array(ends, dtype=float))
            aux = Bounds(np.zeros(k), np.full(k, np.inf))
            c = np.concatenate([np.zeros(n), np.ones(k)])
        else:
            # figure - reached >= 0, reached <= end: maximise what is reached.
            rows = (np.zeros(k), np.full(k, np.inf))
            aux = Bounds(np.zeros(k), np.array(ends, dtype=float))
            c = np.concatenate([np.zeros(n), -np.ones(k)])
        lower, upper = self.row_bounds
        self.solves += 1
        result = milp(
            c,
            integrality=np.concatenate([self.integrality, np.zeros(k)]),
            bounds=Bounds(
                np.concatenate([self.bounds.lb, aux.lb]), np.concatenate([self.bounds.ub, aux.ub])
            ),
            constraints=[
                LinearConstraint(
                    csr_array(matrix),
                    np.concatenate([lower, rows[0]]),
                    np.concatenate([upper, rows[1]]),
                )
            ],
            options={"presolve": PRESOLVE},
        )
        if result.status != 0:
            raise AssertionError(f"the attacker's programme could not be solved: {result.message}")
        table = np.round(result.x[:n])
        self._check(table, self.bounds)
        return table[: len(self.keys)].astype(np.int64)
