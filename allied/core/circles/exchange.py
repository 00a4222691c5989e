"""Circle formation by anticlustering: a random feasible split, then an exchange search.

The search follows the exchange method of anticlustering (Späth 1986; Papenberg and Klau 2021):
take each person (or must-link group) in turn and apply the single best improving change, either
a swap with someone in another circle or a move to another circle when both sizes stay within the
range. Passes repeat until none improves (a local optimum) or a pass limit is reached. Several
seeded restarts keep the best. Cannot-links count as a large penalty, so a split that keeps a pair
apart always beats one that does not; must-link groups move as one.

People are sorted by id first, so the order of input rows never changes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.circles.model import (
    Circle,
    CircleError,
    CircleSpec,
    Formation,
    Person,
    Problem,
    Unmet,
)
from allied.core.circles.quality import Encoding, encode, overall, scores
from allied.core.circles.validate import Groups, check, default_circle_count, groups

# Quality differences are O(1/N); a kept-apart cannot-link pair must outweigh any of them.
CONFLICT_PENALTY = 1.0e3
# Improvements smaller than this are rounding noise and would make the search cycle.
EPSILON = 1.0e-11
# With more units than this, each is compared with a sample of partners instead of everyone.
FULL_EXCHANGE_LIMIT = 600
DEFAULT_PARTNERS = 96
DEFAULT_MAX_PASSES = 40
START_ATTEMPTS = 25
MAX_RESTARTS = 40
# With sampled partners, stop once a pass adds less than this share of the gain made so far.
SAMPLED_TOLERANCE = 2.0e-3


@dataclass(frozen=True)
class SearchSettings:
    """How hard the search tries; all derived from the seed, so results are reproducible.

    `restarts` is how many random starts are improved (None: more for small cohorts, one for
    large). `partners` is how many exchange partners each unit is compared with in a pass
    (None: everyone up to FULL_EXCHANGE_LIMIT units, else DEFAULT_PARTNERS sampled afresh).
    """

    seed: int = 1
    restarts: int | None = None
    partners: int | None = None
    max_passes: int = DEFAULT_MAX_PASSES
    improve: bool = True

    def restart_count(self, units: int) -> int:
        """Return the number of restarts to run for a cohort of `units` units."""
        if self.restarts is not None:
            return max(1, self.restarts)
        # Small cohorts with tight ranges have local optima that only a fresh start escapes, and
        # restarts are cheap there; large cohorts have so many exchanges that one start suffices.
        return int(min(MAX_RESTARTS, max(1, 20_000 // max(units, 1) ** 2)))


def form_circles(
    people: Sequence[Person], spec: CircleSpec, *, settings: SearchSettings | None = None
) -> Formation:
    """Return the circles formed from `people` as `spec` asks.

    Raises CircleError listing every problem when the input cannot be formed at all (duplicate
    ids, unknown attributes or ids, a size range no split meets, contradictory pairs). Cost: about
    passes × units × partners × attribute values arithmetic, in NumPy.
    """
    settings = settings or SearchSettings()
    problems = check(people, spec)
    if problems:
        raise CircleError(problems)
    ordered = sorted(people, key=lambda p: p.id)
    encoding = encode(ordered, spec)
    found = groups(ordered, spec)
    k = spec.circles or default_circle_count(len(ordered), spec.size)
    rng = np.random.default_rng(settings.seed)
    best: _Search | None = None
    for _ in range(settings.restart_count(len(found.units))):
        search = _Search(encoding, found, k, spec, rng)
        search.start()
        if settings.improve:
            search.improve(settings.partners, settings.max_passes)
        if best is None or search.value() > best.value() + EPSILON:
            best = search
    assert best is not None
    return _formation(ordered, spec, encoding, found, best, settings.seed)


def random_circles(people: Sequence[Person], spec: CircleSpec, *, seed: int = 1) -> Formation:
    """Return the random feasible split the search would start from, unimproved (a baseline)."""
    return form_circles(people, spec, settings=SearchSettings(seed=seed, restarts=1, improve=False))


class _Search:
    """The mutable state of one restart: unit placement, circle counts and their F terms."""

    def __init__(
        self,
        encoding: Encoding,
        found: Groups,
        k: int,
        spec: CircleSpec,
        rng: np.random.Generator,
    ) -> None:
        self.spec = spec
        self.k = k
        self.rng = rng
        self.groups = found
        self.coef = encoding.coef
        units = len(found.units)
        features = encoding.features()
        self.x = np.zeros((units, encoding.columns))
        np.add.at(self.x, np.array(found.unit_of, dtype=np.int64), features)
        self.weight = np.array([len(u) for u in found.units], dtype=np.float64)
        self.self_term = (self.x**2) @ self.coef
        self.conflicts = [np.array(c, dtype=np.int64) for c in found.conflicts]
        self.has_conflict = np.array([len(c) > 0 for c in found.conflicts])
        self.circle = np.full(units, -1, dtype=np.int64)
        self.start_circle = self.circle.copy()
        self.passes = 0
        self.exchanges = 0

    # The random start -------------------------------------------------------------------

    def start(self) -> None:
        """Place every unit at random within the size range, keeping cannot-links apart if it can.

        Units in must-link groups or with cannot-links go first, to circles with room chosen at
        random; everyone else fills the remaining places in a random order. Retries a few times
        when must-link groups leave a circle short, then gives up with a CircleError.
        """
        for attempt in range(START_ATTEMPTS):
            # The last attempts pack by size alone: a split that breaks a cannot-link is still a
            # split, and the search then repairs what it can and reports the rest.
            if self._try_start(mind_conflicts=attempt < START_ATTEMPTS - 5):
                self._recount()
                self.start_circle = self.circle.copy()
                return
        raise CircleError(
            [
                Problem(
                    f"No split into {self.k} circles of {self.spec.size} could be found that keeps "
                    "every must-link group together; widen the size range or shrink the groups."
                )
            ]
        )

    def _try_start(self, *, mind_conflicts: bool) -> bool:
        low, high, k = self.spec.size.low, self.spec.size.high, self.k
        units = len(self.weight)
        self.circle[:] = -1
        filled = np.zeros(k, dtype=np.int64)
        target = np.full(k, int(self.weight.sum()) // k)
        target[: int(self.weight.sum()) % k] += 1
        hard = [u for u in range(units) if self.weight[u] > 1 or self.has_conflict[u]]
        shuffle = self.rng.permutation(len(hard))
        hard = sorted(
            (hard[i] for i in shuffle),
            key=lambda u: (-self.weight[u], -len(self.conflicts[u])),
        )
        for u in hard:
            w = int(self.weight[u])
            placed = self.circle[self.conflicts[u]]
            clash = np.bincount(placed[placed >= 0], minlength=k) > 0
            if not mind_conflicts:
                clash[:] = False
            room = filled + w <= high
            # Prefer, in turn: no clash and within the even target; no clash; within target.
            for tier in (~clash & (filled + w <= target), ~clash & room, room):
                options = np.flatnonzero(tier)
                if options.size:
                    break
            else:
                return False
            if mind_conflicts and clash[options].all():
                # Only a circle with someone they must not be with has room: this order of
                # placing has boxed them in (two must-link groups filling one circle, say),
                # which the one-for-one exchanges cannot undo. Try another order.
                return False
            q = int(options[self.rng.integers(options.size)])
            self.circle[u] = q
            filled[q] += w
        # Final sizes: at least the minimum and what is already placed, the rest spread evenly.
        sizes = np.maximum(filled, low)
        spare = int(self.weight.sum()) - int(sizes.sum())
        if spare < 0:
            return False
        while spare > 0:
            open_ = np.flatnonzero(sizes < high)
            if not open_.size:
                return False
            q = int(open_[np.argmin(sizes[open_])])
            sizes[q] += 1
            spare -= 1
        free = np.flatnonzero(self.circle < 0)
        slots = np.repeat(np.arange(k), sizes - filled)
        if slots.size != free.size:
            return False
        self.circle[free] = slots[self.rng.permutation(slots.size)]
        return True

    def _recount(self) -> None:
        k = self.k
        self.n = np.bincount(self.circle, weights=self.weight, minlength=k)
        self.t = np.zeros((k, self.x.shape[1]))
        np.add.at(self.t, self.circle, self.x)
        self.ct = self.t * self.coef
        self.q = (self.t**2) @ self.coef

    def value(self) -> float:
        """Return F minus the cannot-link penalty for the current placement."""
        return float(np.sum(self.q / self.n)) - CONFLICT_PENALTY * self.violations()

    def violations(self) -> int:
        """Return the number of cannot-link pairs that share a circle."""
        unit_of = np.array(self.groups.unit_of, dtype=np.int64)
        return sum(
            1 for a, b in self.groups.cannot if self.circle[unit_of[a]] == self.circle[unit_of[b]]
        )

    # The exchange search ------------------------------------------------------------------

    def improve(self, partners: int | None, max_passes: int) -> None:
        """Apply best-improving swaps and moves, pass after pass, until none helps.

        With every unit as a partner, stops only at a local optimum (or `max_passes`). With
        sampled partners a later pass may still find something, so it also stops once a pass adds
        less than SAMPLED_TOLERANCE of the gain made so far.
        """
        units = len(self.weight)
        if partners is None:
            partners = units if units <= FULL_EXCHANGE_LIMIT else DEFAULT_PARTNERS
        first = self.value()
        for _ in range(max_passes):
            self.passes += 1
            before = self.value()
            changed = 0
            # One draw per pass: asking the generator once per unit costs more than the step.
            pool = None if partners >= units else self.rng.integers(0, units, (units, partners))
            for u in self.rng.permutation(units):
                changed += self._step(int(u), partners, None if pool is None else pool[u])
            self.exchanges += changed
            if not changed:
                break
            gained = self.value() - before
            if partners < units and gained < SAMPLED_TOLERANCE * (self.value() - first):
                break

    def _step(self, u: int, partners: int, sample: np.ndarray | None) -> int:
        """Apply unit u's best improving swap or move, if any; returns 1 if one was applied.

        Moves are tried into the circles of the partners considered, which with full exchange
        is every other circle.
        """
        low, high = self.spec.size.low, self.spec.size.high
        p = int(self.circle[u])
        if sample is None:
            candidates = np.flatnonzero(self.circle != p)
        else:
            candidates = sample[self.circle[sample] != p]
        if not candidates.size:
            return 0
        n, q_, ct = self.n, self.q, self.ct
        xu, wu, su = self.x[u], self.weight[u], self.self_term[u]
        qs = self.circle[candidates]
        xv = self.x[candidates]
        ct_q = ct[qs]
        n_q, big_q = n[qs], q_[qs]
        to_q = ct_q @ xu  # coef · (T_q ∘ x_u): how u's values overlap each partner's circle
        to_p = float(ct[p] @ xu)
        before = q_[p] / n[p] + big_q / n_q

        clash_p = clash_q = None
        if self.has_conflict[u]:
            mine = self.conflicts[u]
            where = self.circle[mine]
            clash_p = float(np.count_nonzero(where == p))
            clash_q = (qs[:, None] == where[None, :]).sum(axis=1).astype(np.float64)

        # Moves: u alone into a partner's circle, when both sizes stay within the range.
        move_gain = np.full(candidates.size, -np.inf)
        if n[p] - wu >= low:
            move_gain = (
                (q_[p] - 2 * to_p + su) / (n[p] - wu)
                + (big_q + 2 * to_q + su) / (n_q + wu)
                - before
            )
            move_gain[n_q + wu > high] = -np.inf
            if clash_q is not None:
                move_gain -= CONFLICT_PENALTY * (clash_q - clash_p)

        # Swaps: u with partner v; sizes change only when must-link groups differ in size.
        dw = wu - self.weight[candidates]
        np_new = n[p] - dw
        nq_new = n_q + dw
        joint = su + self.self_term[candidates] - 2 * (xv @ (self.coef * xu))
        from_p = to_p - xv @ ct[p]
        into_q = to_q - np.einsum("ij,ij->i", ct_q, xv)
        swap_gain = (
            (q_[p] - 2 * from_p + joint) / np.maximum(np_new, 1)
            + (big_q + 2 * into_q + joint) / np.maximum(nq_new, 1)
            - before
        )
        swap_gain[(np_new < low) | (np_new > high) | (nq_new < low) | (nq_new > high)] = -np.inf
        if clash_q is not None:
            partner_clash = (candidates[:, None] == mine[None, :]).sum(axis=1)
            swap_gain -= CONFLICT_PENALTY * (clash_q - partner_clash - clash_p)
        for j in np.flatnonzero(self.has_conflict[candidates]):
            theirs = self.conflicts[candidates[j]]
            where = self.circle[theirs]
            swap_gain[j] -= CONFLICT_PENALTY * (
                np.count_nonzero(where == p)
                - np.count_nonzero(theirs == u)
                - np.count_nonzero(where == qs[j])
            )

        best_move, best_swap = int(np.argmax(move_gain)), int(np.argmax(swap_gain))
        if max(move_gain[best_move], swap_gain[best_swap]) <= EPSILON:
            return 0
        q = int(qs[best_swap if swap_gain[best_swap] >= move_gain[best_move] else best_move])
        if swap_gain[best_swap] >= move_gain[best_move]:
            self._shift(int(candidates[best_swap]), q, p)
        self._shift(u, p, q)
        return 1

    def _shift(self, u: int, source: int, target: int) -> None:
        """Move unit u from circle `source` to `target`, updating the counts incrementally."""
        xu, wu = self.x[u], self.weight[u]
        for k, sign in ((source, -1.0), (target, 1.0)):
            self.t[k] += sign * xu
            self.n[k] += sign * wu
            self.ct[k] = self.t[k] * self.coef
            self.q[k] = float(self.t[k] ** 2 @ self.coef)
        self.circle[u] = target


def _formation(
    people: Sequence[Person],
    spec: CircleSpec,
    encoding: Encoding,
    found: Groups,
    search: _Search,
    seed: int,
) -> Formation:
    """Return the Formation for a finished search, circles numbered by their first member's id."""
    unit_of = np.array(found.unit_of, dtype=np.int64)
    person_circle = search.circle[unit_of]
    # Renumber circles in order of their first member (people are sorted by id).
    order: dict[int, int] = {}
    for c in person_circle:
        order.setdefault(int(c), len(order))
    person_circle = np.array([order[int(c)] for c in person_circle], dtype=np.int64)
    members: list[list[str]] = [[] for _ in order]
    for person, c in zip(people, person_circle, strict=True):
        members[c].append(person.id)
    attribute_scores = scores(encoding, person_circle, spec)
    start_scores = scores(encoding, search.start_circle[unit_of], spec)
    unmet = _unmet_cannot_links(people, found, search, person_circle)
    return Formation(
        circles=tuple(Circle(number=i + 1, members=tuple(m)) for i, m in enumerate(members)),
        quality=overall(attribute_scores),
        start_quality=overall(start_scores),
        scores=attribute_scores,
        unmet=unmet,
        seed=seed,
        passes=search.passes,
        exchanges=search.exchanges,
    )


def _unmet_cannot_links(
    people: Sequence[Person], found: Groups, search: _Search, person_circle: np.ndarray
) -> tuple[Unmet, ...]:
    unmet = []
    for a, b in found.cannot:
        if person_circle[a] != person_circle[b]:
            continue
        u = found.unit_of[a]
        where = search.circle[search.conflicts[u]]
        clear = np.bincount(where, minlength=search.k) == 0
        if not clear.any():
            reason = (
                f"{people[a].id} has someone they must not be with in every one of the "
                f"{search.k} circles."
            )
        else:
            reason = (
                "no swap or move kept them apart while every circle stayed within "
                f"{search.spec.size} and every must-link group together."
            )
        unmet.append(
            Unmet(
                kind="cannot-link",
                people=(people[a].id, people[b].id),
                circle=int(person_circle[a]) + 1,
                reason=reason,
            )
        )
    return tuple(unmet)
