"""Scoring a whole cohort at once: hard rules first, then vectorised scores on the feasible pairs.

`CohortIndex` encodes a cohort as arrays once and caches, for each value a mentee can have, the
vector over all mentors that a rule or preference produces; most mentees then cost a few vector
additions. It computes exactly what `scoring.score_pair` does, in the same order of arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.matching import vocabulary as v
from allied.core.matching.model import Mentee, Mentor, Person, ProgrammeConfig
from allied.core.matching.scoring import ATTRIBUTE_ORDER, _expand, strength_points

KIND_CODES = {"none": 0, "same": 1, "different": 2, "one_of": 3}
TOPICS = tuple(code for code, _ in v.SUPPORT_TOPICS)
CHUNK = 64


@dataclass(frozen=True, eq=False)
class Candidates:
    """The feasible (and, for large cohorts, kept) pairs of a cohort, as parallel arrays.

    `mentee` and `mentor` index the cohort's sorted mentees and mentors; scores are milli-points.
    `feasible_pairs` counts every feasible pair before pruning; `pruned` says whether any went.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    mentee_score: np.ndarray
    mentor_score: np.ndarray
    feasible_pairs: int
    pruned: bool

    @property
    def score(self) -> np.ndarray:
        """Return each pair's score: both sides added."""
        return self.mentee_score + self.mentor_score


def _bitmasks(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Return an (n, words) uint64 array with one bit for each distinct item across `sets`."""
    items = sorted(set().union(*sets)) if sets else []
    position = {item: i for i, item in enumerate(items)}
    words = max(1, (len(items) + 63) // 64)
    out = np.zeros((len(sets), words), dtype=np.uint64)
    for row, items_of_row in enumerate(sets):
        for item in items_of_row:
            bit = position[item]
            out[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return out


def _popcount_and_or(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    inter = np.zeros(a.shape[0], dtype=np.int64)
    union = np.zeros(a.shape[0], dtype=np.int64)
    for word in range(a.shape[1]):
        inter += np.bitwise_count(a[:, word] & b[:, word])
        union += np.bitwise_count(a[:, word] | b[:, word])
    return inter, union


def _tagged(person: Person, first: str, second: str) -> frozenset[str]:
    return frozenset(f"a:{x}" for x in getattr(person, first)) | frozenset(
        f"b:{x}" for x in getattr(person, second)
    )


class CohortIndex:
    """Array encoding of one cohort with per-value caches. Build once, read many times."""

    def __init__(
        self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], config: ProgrammeConfig
    ) -> None:
        self.mentees = tuple(mentees)
        self.mentors = tuple(mentors)
        self.config = config
        n = len(self.mentors)
        self.mentor_position = {m.id: j for j, m in enumerate(self.mentors)}
        self.capacity = np.array([m.capacity for m in self.mentors], dtype=np.int64)
        self._cache: dict[tuple, np.ndarray] = {}
        # Each preference attribute as a boolean matrix over the cohort's values.
        self._vocab: dict[str, dict[str, int]] = {}
        self._has: dict[str, np.ndarray] = {}
        self._known: dict[str, np.ndarray] = {}
        people: list[Person] = [*self.mentees, *self.mentors]
        for attribute in ATTRIBUTE_ORDER:
            values: set[str] = set()
            for person in people:
                values |= person.matching_values(attribute) or frozenset()
                preference = person.preference(attribute)
                if preference is not None:
                    values |= _expand(attribute, preference.values)
            vocab = {value: i for i, value in enumerate(sorted(values))}
            self._vocab[attribute] = vocab
            has = np.zeros((n, max(1, len(vocab))), dtype=bool)
            for j, mentor in enumerate(self.mentors):
                for value in mentor.matching_values(attribute) or ():
                    has[j, vocab[value]] = True
            self._has[attribute] = has
            self._known[attribute] = has.any(axis=1)
        self._mentor_prefs = {a: self._encode_mentor_preferences(a) for a in ATTRIBUTE_ORDER}
        self._mentor_team = [m.team for m in self.mentors]
        self._mentor_bands = [v.band_rank(m.band) for m in self.mentors]
        self._mentor_mode = np.array([m.meeting_mode for m in self.mentors], dtype=object)
        self._mentor_availability = [m.availability for m in self.mentors]
        self._allyship = np.array([m.allyship_trained for m in self.mentors], dtype=bool)
        self._excluded = self._exclusions()
        self._encode_scores()

    # Encoding -----------------------------------------------------------------------------

    def _encode_mentor_preferences(self, attribute: str) -> dict[str, np.ndarray] | None:
        n = len(self.mentors)
        kind = np.zeros(n, dtype=np.int8)
        points = np.zeros(n, dtype=np.float64)
        essential = np.zeros(n, dtype=bool)
        vocab = self._vocab[attribute]
        allowed = np.zeros((n, max(1, len(vocab))), dtype=bool)
        known_self = self._known[attribute]
        for j, mentor in enumerate(self.mentors):
            preference = mentor.preference(attribute)
            if preference is None:
                continue
            kind[j] = KIND_CODES[preference.kind]
            points[j] = strength_points(preference, self.config)
            essential[j] = preference.strength == "essential"
            for value in _expand(attribute, preference.values):
                allowed[j, vocab[value]] = True
        if not kind.any():
            return None
        return {
            "kind": kind,
            "points": points,
            "essential": essential,
            "allowed": allowed,
            "known_self": known_self,
        }

    def _exclusions(self) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        mentee_position = {m.id: i for i, m in enumerate(self.mentees)}
        for i, mentee in enumerate(self.mentees):
            for other in {mentee.line_manager, *mentee.exclusions}:
                if other in self.mentor_position:
                    out.setdefault(i, set()).add(self.mentor_position[other])
        for j, mentor in enumerate(self.mentors):
            for other in {mentor.line_manager, *mentor.exclusions}:
                if other in mentee_position:
                    out.setdefault(mentee_position[other], set()).add(j)
        return out

    def _encode_scores(self) -> None:
        joint = _bitmasks(
            [_tagged(p, "values", "working_style") for p in (*self.mentees, *self.mentors)]
        )
        self._vs_e, self._vs_m = joint[: len(self.mentees)], joint[len(self.mentees) :]
        joint = _bitmasks(
            [_tagged(p, "interests", "career_goals") for p in (*self.mentees, *self.mentors)]
        )
        self._ig_e, self._ig_m = joint[: len(self.mentees)], joint[len(self.mentees) :]
        nan = float("nan")
        self._open_e = np.array([nan if p.openness is None else p.openness for p in self.mentees])
        self._open_m = np.array([nan if p.openness is None else p.openness for p in self.mentors])
        self._cons_e = np.array(
            [nan if p.conscientiousness is None else p.conscientiousness for p in self.mentees]
        )
        self._cons_m = np.array(
            [nan if p.conscientiousness is None else p.conscientiousness for p in self.mentors]
        )
        w = self.config.weights
        topic_weights = np.zeros((len(self.mentees), len(TOPICS)))
        for i, mentee in enumerate(self.mentees):
            for t, topic in enumerate(TOPICS):
                weight = 0.0
                for question, topics in mentee.needs.by_question():
                    if topic in topics:
                        weight = weight + getattr(w, question)
                topic_weights[i, t] = weight
        self._topic_weights = topic_weights
        den = np.zeros(len(self.mentees))
        for t in range(len(TOPICS)):
            den = den + topic_weights[:, t]
        self._needs_den = den
        self._offers = np.array(
            [[topic in m.offers for topic in TOPICS] for m in self.mentors], dtype=bool
        ).reshape(len(self.mentors), len(TOPICS))

    # Per-value vectors over mentors --------------------------------------------------------

    def _share(self, attribute: str, values: Iterable[str]) -> np.ndarray:
        key = ("share", attribute, frozenset(values))
        if key not in self._cache:
            vocab = self._vocab[attribute]
            columns = [vocab[x] for x in key[2] if x in vocab]
            has = self._has[attribute]
            self._cache[key] = (
                has[:, columns].any(axis=1) if columns else np.zeros(has.shape[0], dtype=bool)
            )
        return self._cache[key]

    def _allowed(self, attribute: str, values: frozenset[str]) -> np.ndarray:
        key = ("allowed", attribute, values)
        if key not in self._cache:
            prefs = self._mentor_prefs[attribute]
            assert prefs is not None
            vocab = self._vocab[attribute]
            columns = [vocab[x] for x in values if x in vocab]
            self._cache[key] = prefs["allowed"][:, columns].any(axis=1)
        return self._cache[key]

    def mentee_preference_vectors(
        self, mentee: Mentee, attribute: str
    ) -> tuple[np.ndarray, np.ndarray, bool] | None:
        """Return (met, points, essential) for the mentee's preference about `attribute`."""
        preference = mentee.preference(attribute)
        if preference is None:
            return None
        own = mentee.matching_values(attribute)
        key = ("mentee_pref", attribute, preference, own)
        if key not in self._cache:
            n = len(self.mentors)
            if preference.kind == "one_of":
                met = self._share(attribute, _expand(attribute, preference.values))
            elif own is None:
                met = np.zeros(n, dtype=bool)
            elif preference.kind == "same":
                met = self._share(attribute, own)
            else:
                met = self._known[attribute] & ~self._share(attribute, own)
            self._cache[key] = met
            self._cache[(*key, "points")] = np.where(
                met, strength_points(preference, self.config), 0.0
            )
        return (
            self._cache[key],
            self._cache[(*key, "points")],
            preference.strength == "essential",
        )

    def mentor_preference_vectors(
        self, mentee: Mentee, attribute: str
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Return (ok, points) of every mentor's preference about this mentee's `attribute`.

        `ok` is false where a mentor's essential preference is not met by the mentee.
        """
        prefs = self._mentor_prefs[attribute]
        if prefs is None:
            return None
        theirs = mentee.matching_values(attribute)
        key = ("mentor_pref", attribute, theirs)
        if key not in self._cache:
            kind = prefs["kind"]
            if theirs is None:
                met = np.zeros(kind.shape[0], dtype=bool)
            else:
                share = self._share(attribute, theirs)
                known = prefs["known_self"]
                met = (
                    ((kind == 1) & known & share)
                    | ((kind == 2) & known & ~share)
                    | ((kind == 3) & self._allowed(attribute, theirs))
                )
            self._cache[key] = ~(prefs["essential"] & (kind != 0) & ~met)
            self._cache[(*key, "points")] = np.where(met, prefs["points"], 0.0)
        return self._cache[key], self._cache[(*key, "points")]

    def rule_vectors(self, i: int) -> list[tuple[str, np.ndarray, bool]]:
        """Return (breach code, ok over mentors, relaxable) for every hard rule on mentee `i`.

        Capacity is not among them. Line managers and named exclusions are not relaxable.
        """
        mentee = self.mentees[i]
        rules = self.config.rules
        n = len(self.mentors)
        out: list[tuple[str, np.ndarray, bool]] = []
        excluded = self._excluded.get(i)
        if excluded:
            ok = np.ones(n, dtype=bool)
            ok[list(excluded)] = False
            out.append(("exclusion", ok, False))
        if rules.exclude_same_team and mentee.team:
            key = ("team", mentee.team)
            if key not in self._cache:
                self._cache[key] = np.array([t != mentee.team for t in self._mentor_team], bool)
            out.append(("same_team", self._cache[key], True))
        if rules.mentor_higher_band:
            key = ("band", mentee.band)
            if key not in self._cache:
                mine = v.band_rank(mentee.band)
                self._cache[key] = np.array(
                    [
                        mine is not None and b is not None and b[0] == mine[0] and b[1] > mine[1]
                        for b in self._mentor_bands
                    ],
                    dtype=bool,
                ).reshape(n)
            out.append(("higher_band", self._cache[key], True))
        if rules.mentor_allyship_trained:
            out.append(("allyship_training", self._allyship, True))
        if rules.compatible_meeting_mode and mentee.meeting_mode in ("online", "in_person"):
            other = "in_person" if mentee.meeting_mode == "online" else "online"
            key = ("mode", other)
            if key not in self._cache:
                self._cache[key] = self._mentor_mode != other
            out.append(("meeting_mode", self._cache[key], True))
        if rules.shared_availability and mentee.availability:
            key = ("availability", mentee.availability)
            if key not in self._cache:
                self._cache[key] = np.array(
                    [not a or bool(a & mentee.availability) for a in self._mentor_availability],
                    dtype=bool,
                ).reshape(n)
            out.append(("availability", self._cache[key], True))
        for attribute in ATTRIBUTE_ORDER:
            mine = self.mentee_preference_vectors(mentee, attribute)
            if mine is not None and mine[2]:
                out.append((f"mentee_essential:{attribute}", mine[0], True))
            theirs = self.mentor_preference_vectors(mentee, attribute)
            if theirs is not None and not theirs[0].all():
                out.append((f"mentor_essential:{attribute}", theirs[0], True))
        return out

    def feasible(self, i: int) -> np.ndarray:
        """Return over mentors whether the pair with mentee `i` breaks no hard rule."""
        ok = self.capacity > 0
        for _, vector, _ in self.rule_vectors(i):
            ok = ok & vector
        return ok

    def preference_points(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (mentee side, mentor side) preference points over mentors for mentee `i`."""
        n = len(self.mentors)
        mentee_side = np.zeros(n)
        mentor_side = np.zeros(n)
        for attribute in ATTRIBUTE_ORDER:
            mine = self.mentee_preference_vectors(self.mentees[i], attribute)
            if mine is not None:
                mentee_side = mentee_side + mine[1]
            theirs = self.mentor_preference_vectors(self.mentees[i], attribute)
            if theirs is not None:
                mentor_side = mentor_side + theirs[1]
        return mentee_side, mentor_side

    # Scores on pairs -----------------------------------------------------------------------

    def pair_scores(
        self, rows: np.ndarray, cols: np.ndarray, pe: np.ndarray, pm: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (mentee, mentor) milli-scores for pairs given their preference points."""
        w = self.config.weights
        inter, union = _popcount_and_or(self._vs_e[rows], self._vs_m[cols])
        values = np.divide(inter, union, out=np.zeros(len(rows)), where=union > 0)
        known_values = (np.bitwise_count(self._vs_e[rows]).sum(axis=1) > 0) & (
            np.bitwise_count(self._vs_m[cols]).sum(axis=1) > 0
        )
        inter, union = _popcount_and_or(self._ig_e[rows], self._ig_m[cols])
        interests = np.divide(inter, union, out=np.zeros(len(rows)), where=union > 0)
        known_interests = (np.bitwise_count(self._ig_e[rows]).sum(axis=1) > 0) & (
            np.bitwise_count(self._ig_m[cols]).sum(axis=1) > 0
        )
        gap = np.zeros(len(rows))
        known = np.zeros(len(rows))
        for mine, theirs in ((self._open_e, self._open_m), (self._cons_e, self._cons_m)):
            diff = np.abs(mine[rows] - theirs[cols])
            has = ~np.isnan(diff)
            gap = gap + np.where(has, diff, 0.0)
            known = known + has
        personality = 1.0 - np.divide(gap, 4.0 * known, out=np.zeros(len(rows)), where=known > 0)
        known_personality = known > 0
        num = np.zeros(len(rows))
        den = np.zeros(len(rows))
        for weight, part, has in (
            (w.values_and_style, values, known_values),
            (w.interests_and_goals, interests, known_interests),
            (w.personality, personality, known_personality),
        ):
            num = num + np.where(has, weight * part, 0.0)
            den = den + np.where(has, weight, 0.0)
        similarity = np.divide(num, den, out=np.zeros(len(rows)), where=den > 0)
        fit_num = np.zeros(len(rows))
        for t in range(len(TOPICS)):
            fit_num = fit_num + np.where(self._offers[cols, t], self._topic_weights[rows, t], 0.0)
        fit_den = self._needs_den[rows]
        fit = np.divide(fit_num, fit_den, out=np.zeros(len(rows)), where=fit_den > 0)
        mentee_points = (pe + w.deep_level * similarity) + w.needs * fit
        mentor_points = pm + w.deep_level * similarity
        return _milli(mentee_points), _milli(mentor_points)


def _milli(points: np.ndarray) -> np.ndarray:
    return np.floor(points * 1000 + 0.5 + 1e-7).astype(np.int64)


def build_candidates(index: CohortIndex, mentee_rows: Sequence[int] | None = None) -> Candidates:
    """Return the feasible pairs of the given mentees (all by default) with their scores.

    Reads every mentee against every mentor: O(mentees x mentors) vector work, in chunks. When
    the cohort has more pairs than `config.prune_above`, keeps each mentee's best
    `candidates_per_mentee` and each mentor's best `candidates_per_mentor` pairs.
    """
    config = index.config
    rows_wanted = np.arange(len(index.mentees)) if mentee_rows is None else np.asarray(mentee_rows)
    n = len(index.mentors)
    prune = len(rows_wanted) * n > config.prune_above
    kept: list[tuple[np.ndarray, ...]] = []
    feasible_pairs = 0
    pruned = False
    n_all = len(index.mentees)
    best: dict[str, np.ndarray] | None = None
    for start in range(0, len(rows_wanted), CHUNK):
        chunk = rows_wanted[start : start + CHUNK]
        feasible = np.zeros((len(chunk), n), dtype=bool)
        pe = np.zeros((len(chunk), n))
        pm = np.zeros((len(chunk), n))
        for r, i in enumerate(chunk):
            feasible[r] = index.feasible(int(i))
            if feasible[r].any():
                pe[r], pm[r] = index.preference_points(int(i))
        r_idx, cols = np.nonzero(feasible)
        rows = chunk[r_idx]
        mentee_score, mentor_score = index.pair_scores(rows, cols, pe[r_idx, cols], pm[r_idx, cols])
        feasible_pairs += len(rows)
        if not prune:
            kept.append((rows.astype(np.int64), cols.astype(np.int64), mentee_score, mentor_score))
            continue
        # Dense per-chunk matrices let argpartition pick the best pairs without sorting them.
        # Keys are unique (score, then the lower index on the other side), so ties are settled
        # the same way whatever the input order.
        total = mentee_score + mentor_score
        shape = (len(chunk), n)
        by_row = np.full(shape, -1, dtype=np.int64)
        by_row[r_idx, cols] = total * (n + 1) + (n - cols)
        e_mat = np.zeros(shape, dtype=np.int64)
        m_mat = np.zeros(shape, dtype=np.int64)
        e_mat[r_idx, cols] = mentee_score
        m_mat[r_idx, cols] = mentor_score
        k = min(config.candidates_per_mentee, n)
        top = (
            np.argpartition(-by_row, k - 1, axis=1)[:, :k]
            if k < n
            else np.tile(np.arange(n), (len(chunk), 1))
        )
        rr = np.repeat(np.arange(len(chunk)), top.shape[1])
        cc = top.ravel()
        ok = by_row[rr, cc] >= 0
        rr, cc = rr[ok], cc[ok]
        pruned = pruned or len(rr) < len(rows)
        kept.append((chunk[rr].astype(np.int64), cc.astype(np.int64), e_mat[rr, cc], m_mat[rr, cc]))
        by_col = np.full(shape, -1, dtype=np.int64)
        by_col[r_idx, cols] = total * (n_all + 1) + (n_all - rows)
        mentee_mat = np.broadcast_to(chunk[:, None], shape)
        parts = {"key": by_col, "mentee": mentee_mat, "e": e_mat, "m": m_mat}
        if best is not None:
            parts = {name: np.vstack([best[name], parts[name]]) for name in parts}
        k = min(config.candidates_per_mentor, parts["key"].shape[0])
        if k < parts["key"].shape[0]:
            top = np.argpartition(-parts["key"], k - 1, axis=0)[:k]
            best = {name: np.take_along_axis(x, top, axis=0) for name, x in parts.items()}
        else:
            best = {name: np.array(x) for name, x in parts.items()}
    if best is not None:
        ok = best["key"] >= 0
        rr, cc = np.nonzero(ok)
        kept.append(
            (
                best["mentee"][rr, cc].astype(np.int64),
                cc.astype(np.int64),
                best["e"][rr, cc],
                best["m"][rr, cc],
            )
        )
    if kept:
        mentee, mentor, mentee_score, mentor_score = _unique_pairs(_concat(kept), n)
    else:
        mentee = mentor = mentee_score = mentor_score = np.zeros(0, dtype=np.int64)
    return Candidates(mentee, mentor, mentee_score, mentor_score, feasible_pairs, pruned)


def _concat(parts: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(4))


def _unique_pairs(part: tuple[np.ndarray, ...], n_mentors: int) -> tuple[np.ndarray, ...]:
    """Return the pairs once each, sorted by mentee then mentor."""
    key = part[0] * max(1, n_mentors) + part[1]
    _, first = np.unique(key, return_index=True)
    return tuple(p[first] for p in part)
