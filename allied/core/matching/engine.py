"""Matching a whole cohort: locks, candidate pairs, the chosen objective, and why anyone is left.

People are sorted by id first, so the result does not depend on the order they were listed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.matching.cohort import CohortIndex, build_candidates
from allied.core.matching.model import Lock, Mentee, Mentor, ProgrammeConfig
from allied.core.matching.scoring import Breach, score_pair
from allied.core.matching.solve import OBJECTIVES, max_matched, solve, solve_max_total


@dataclass(frozen=True)
class Match:
    """One mentee with one mentor; scores in milli-points. `locked` pairs were fixed beforehand."""

    mentee_id: str
    mentor_id: str
    mentee_score: int
    mentor_score: int
    locked: bool = False

    @property
    def score(self) -> int:
        """Return the pair's score in milli-points."""
        return self.mentee_score + self.mentor_score


@dataclass(frozen=True)
class Relaxation:
    """The smallest change that would match a mentee: rules to relax, and with which mentor.

    `needs_extra_place` is true when that mentor would also need one more place.
    """

    mentor_id: str
    changes: tuple[Breach, ...]
    needs_extra_place: bool


@dataclass(frozen=True)
class Unmatched:
    """A mentee left without a mentor and why.

    `reason` is "no_feasible_mentor" (no mentor passes the hard rules) or "feasible_mentors_full".
    """

    mentee_id: str
    reason: str
    feasible_mentors: int
    relaxation: Relaxation | None


@dataclass(frozen=True)
class MatchResult:
    """The outcome for a cohort. `maximum_matched` is what the default objective would match."""

    objective: str
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    maximum_matched: int
    feasible_pairs: int
    pruned: bool


def _sorted_cohort(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> tuple[tuple[Mentee, ...], tuple[Mentor, ...]]:
    for kind, people in (("mentee", mentees), ("mentor", mentors)):
        ids = [p.id for p in people]
        if len(ids) != len(set(ids)):
            raise ValueError(f"two {kind}s share an id")
    return tuple(sorted(mentees, key=lambda p: p.id)), tuple(sorted(mentors, key=lambda p: p.id))


def _apply_locks(
    mentees: tuple[Mentee, ...],
    mentors: tuple[Mentor, ...],
    locked: Sequence[Lock],
    config: ProgrammeConfig,
) -> tuple[list[Match], set[str], dict[str, int]]:
    """Return (locked matches, locked mentee ids, places each mentor has used)."""
    mentee_by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    matches: list[Match] = []
    used: dict[str, int] = {}
    seen: set[str] = set()
    for lock in locked:
        if lock.mentee not in mentee_by_id:
            raise ValueError(f"a locked pair names an unknown mentee {lock.mentee!r}")
        if lock.mentor not in mentor_by_id:
            raise ValueError(f"a locked pair names an unknown mentor {lock.mentor!r}")
        if lock.mentee in seen:
            raise ValueError(f"mentee {lock.mentee!r} is locked to more than one mentor")
        seen.add(lock.mentee)
        # A locked pair stays even if it breaks a rule: the coordinator decided.
        pair = score_pair(mentee_by_id[lock.mentee], mentor_by_id[lock.mentor], config)
        matches.append(
            Match(lock.mentee, lock.mentor, pair.mentee_score, pair.mentor_score, locked=True)
        )
        used[lock.mentor] = used.get(lock.mentor, 0) + 1
    return matches, seen, used


def _prepare(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: ProgrammeConfig,
    locked: Sequence[Lock],
):
    all_mentees, all_mentors = _sorted_cohort(mentees, mentors)
    locked_matches, locked_ids, used = _apply_locks(all_mentees, all_mentors, locked, config)
    free_mentees = tuple(m for m in all_mentees if m.id not in locked_ids)
    index = CohortIndex(free_mentees, all_mentors, config)
    spare = np.array([max(0, m.capacity - used.get(m.id, 0)) for m in all_mentors], dtype=np.int64)
    # The index treats capacity 0 as "takes nobody"; a mentor filled by locks is full, not absent.
    return locked_matches, index, spare


def match_cohort(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: ProgrammeConfig | None = None,
    *,
    objective: str = "max-total",
    locked: Sequence[Lock] = (),
) -> MatchResult:
    """Return the cohort's matching under `objective`, with locked pairs kept as they are.

    "max-total" matches as many mentees as possible, then maximises the total score; "fair" then
    maximises the lowest matched score first; "stable" runs mentee-proposing deferred acceptance.
    Late joiners: lock the existing pairs and pass everyone. Costs one pass over all
    mentee-mentor pairs plus one min-cost flow (fair: a few max flows more).
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"there is no objective called {objective!r}")
    config = config or ProgrammeConfig()
    locked_matches, index, spare = _prepare(mentees, mentors, config, locked)
    candidates = build_candidates(index)
    n = len(index.mentees)
    mentor_of = solve(
        objective,
        n,
        spare,
        candidates.mentee,
        candidates.mentor,
        candidates.mentee_score,
        candidates.mentor_score,
    )
    maximum = max_matched(n, spare, candidates.mentee, candidates.mentor)
    scores = _ScoreLookup(candidates, len(index.mentors))
    if candidates.pruned:
        mentor_of = _fill_from_pruned(index, mentor_of, spare, scores)
        maximum = max(maximum, int((mentor_of >= 0).sum()))
    left = spare - np.bincount(mentor_of[mentor_of >= 0], minlength=len(spare))
    matches = list(locked_matches)
    matched = np.flatnonzero(mentor_of >= 0)
    mentee_scores, mentor_scores = scores.many(matched, mentor_of[matched])
    for i, j, e, m in zip(
        matched.tolist(),
        mentor_of[matched].tolist(),
        mentee_scores.tolist(),
        mentor_scores.tolist(),
        strict=True,
    ):
        matches.append(Match(index.mentees[i].id, index.mentors[j].id, e, m))
    unmatched = [
        _why_unmatched(index, i, candidates, left) for i in np.flatnonzero(mentor_of < 0).tolist()
    ]
    matches.sort(key=lambda m: m.mentee_id)
    return MatchResult(
        objective=objective,
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        maximum_matched=maximum + len(locked_matches),
        feasible_pairs=candidates.feasible_pairs,
        pruned=candidates.pruned,
    )


class _ScoreLookup:
    """(mentee, mentor) -> (mentee score, mentor score) over the candidate pairs.

    Candidates come sorted by mentee then mentor, so a binary search over their keys finds a
    pair without a dictionary of millions of tuples. Pairs added later live in `extra`.
    """

    def __init__(self, candidates, n_mentors: int) -> None:
        self.n = max(1, n_mentors)
        self.keys = candidates.mentee * self.n + candidates.mentor
        self.mentee_score = candidates.mentee_score
        self.mentor_score = candidates.mentor_score
        self.extra: dict[tuple[int, int], tuple[int, int]] = {}

    def positions(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """Return where candidate pairs sit in the candidate arrays."""
        return np.searchsorted(self.keys, mentees * self.n + mentors)

    def many(self, mentees: np.ndarray, mentors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return both sides' scores for pairs that are all candidates or added pairs."""
        e = np.zeros(len(mentees), dtype=np.int64)
        m = np.zeros(len(mentees), dtype=np.int64)
        if len(mentees) == 0:
            return e, m
        wanted = mentees * self.n + mentors
        found = np.zeros(len(wanted), dtype=bool)
        if len(self.keys):
            at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
            found = self.keys[at] == wanted
            e[found] = self.mentee_score[at[found]]
            m[found] = self.mentor_score[at[found]]
        for k in np.flatnonzero(~found).tolist():
            e[k], m[k] = self.extra[(int(mentees[k]), int(mentors[k]))]
        return e, m

    def __setitem__(self, pair: tuple[int, int], value: tuple[int, int]) -> None:
        self.extra[pair] = value


def _fill_from_pruned(
    index: CohortIndex,
    mentor_of: np.ndarray,
    spare: np.ndarray,
    scores: _ScoreLookup,
) -> np.ndarray:
    """Give any unmatched mentee a feasible mentor that pruning hid and who still has a place.

    Only adds matches, so it never lowers the count; each is the mentee's best such mentor
    among those with a place left when their turn comes (mentees in index order).
    """
    mentor_of = mentor_of.copy()
    left = spare - np.bincount(mentor_of[mentor_of >= 0], minlength=len(spare))
    waiting = np.flatnonzero(mentor_of < 0)
    open_ = np.flatnonzero(left > 0)
    if len(waiting) == 0 or len(open_) == 0:
        return mentor_of
    step = max(1, 2_000_000 // len(open_))
    for start in range(0, len(waiting), step):
        rows = waiting[start : start + step]
        feasible, e, m = index.block(rows, open_)
        total = e + m
        for r, i in enumerate(rows.tolist()):
            ok = feasible[r] & (left[open_] > 0)
            if not ok.any():
                continue
            # The best score, then the lower mentor index (argmax takes the first maximum).
            best = int(np.argmax(np.where(ok, total[r], -1)))
            j = int(open_[best])
            mentor_of[i] = j
            left[j] -= 1
            scores[(i, j)] = (int(e[r, best]), int(m[r, best]))
    return mentor_of


def _why_unmatched(index: CohortIndex, i: int, candidates, left: np.ndarray) -> Unmatched:
    mentee = index.mentees[i]
    lo, hi = np.searchsorted(candidates.mentee, [i, i + 1])
    if hi > lo:
        own = candidates.mentor[lo:hi]
        total = candidates.mentee_score[lo:hi] + candidates.mentor_score[lo:hi]
        # The best score, then the lower mentor index: `own` is sorted and argmax takes the
        # first maximum.
        best = int(own[int(np.argmax(total))])
        return Unmatched(
            mentee.id,
            "feasible_mentors_full",
            int(candidates.feasible_count[i]),
            Relaxation(index.mentors[best].id, (), needs_extra_place=True),
        )
    return Unmatched(mentee.id, "no_feasible_mentor", 0, _smallest_relaxation(index, i, left))


def _smallest_relaxation(index: CohortIndex, i: int, left: np.ndarray) -> Relaxation | None:
    """Return the fewest relaxable rules whose waiving makes some mentor possible for mentee `i`.

    Among equally small changes, a mentor with a free place wins, then the lower id.
    """
    n = len(index.mentors)
    broken = np.zeros(n, dtype=np.int64)
    possible = index.capacity > 0
    for _, ok, relaxable in index.rule_vectors(i):
        if relaxable:
            broken += ~ok
        else:
            possible &= ok
    if not possible.any():
        return None
    full = (left <= 0).astype(np.int64)
    candidates = np.flatnonzero(possible)
    order = np.lexsort((candidates, full[candidates], broken[candidates]))
    j = int(candidates[order[0]])
    pair = score_pair(index.mentees[i], index.mentors[j], index.config)
    return Relaxation(
        index.mentors[j].id,
        tuple(b for b in pair.breaches if b.relaxable),
        needs_extra_place=bool(left[j] <= 0),
    )


def shortlist(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: ProgrammeConfig | None = None,
    *,
    size: int = 3,
    locked: Sequence[Lock] = (),
) -> dict[str, tuple[Match, ...]]:
    """Return, for each unlocked mentee, up to `size` feasible mentors to choose from, best first.

    Round k solves the cohort-wide optimum without the mentors already offered to each mentee,
    so every round offers each mentor to at most as many mentees as they have places: lists
    respect capacity pressure rather than all naming the same popular mentor. Costs `size` solves.
    """
    if size < 1:
        raise ValueError("a shortlist needs at least one place")
    config = config or ProgrammeConfig()
    _, index, spare = _prepare(mentees, mentors, config, locked)
    candidates = build_candidates(index)
    scores = _ScoreLookup(candidates, len(index.mentors))
    n = len(index.mentees)
    available = np.ones(len(candidates.mentee), dtype=bool)
    lists: dict[str, list[Match]] = {m.id: [] for m in index.mentees}
    for _ in range(size):
        if not available.any():
            break
        mentor_of = solve_max_total(
            n,
            spare,
            candidates.mentee[available],
            candidates.mentor[available],
            candidates.score[available],
        )
        matched = np.flatnonzero(mentor_of >= 0)
        e, m = scores.many(matched, mentor_of[matched])
        for i, j, ei, mi in zip(
            matched.tolist(), mentor_of[matched].tolist(), e.tolist(), m.tolist(), strict=True
        ):
            lists[index.mentees[i].id].append(
                Match(index.mentees[i].id, index.mentors[j].id, ei, mi)
            )
        available[scores.positions(matched, mentor_of[matched])] = False
    return {k: tuple(sorted(v, key=lambda m: (-m.score, m.mentor_id))) for k, v in lists.items()}
