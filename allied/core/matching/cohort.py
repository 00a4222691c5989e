"""Scoring a whole cohort at once: hard rules first, then vectorised scores on the feasible pairs.

`CohortIndex` encodes a cohort as arrays once and caches, for each value a mentee can have, the
vector over all mentors that a rule or preference produces. `CohortIndex.block` then scores a
block of mentees against every mentor as dense matrices: rules and preference points are row
gathers from those few cached vectors (codes per mentee, no Python per pair), set overlaps are
float32 matrix products of 0/1 memberships (exact: small whole numbers), and the rest is float64
elementwise work. It computes exactly what `scoring.score_pair` does, in the same order of
arithmetic, so the two agree to the last bit (the tests hold them equal on every pair).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.matching import vocabulary as v
from allied.core.matching.model import Mentee, Mentor, Person, ProgrammeConfig
from allied.core.matching.scoring import ATTRIBUTE_ORDER, expand_groups, strength_points

KIND_CODES = {"none": 0, "same": 1, "different": 2, "one_of": 3}
TOPICS = tuple(code for code, _ in v.SUPPORT_TOPICS)


@dataclass(frozen=True, eq=False)
class Candidates:
    """The feasible (and, for large cohorts, kept) pairs of a cohort, as parallel arrays.

    `mentee` and `mentor` index the cohort's sorted mentees and mentors; scores are milli-points.
    `feasible_pairs` counts every feasible pair before pruning; `pruned` says whether any went;
    `feasible_count` gives, for each mentee of the index, their feasible mentors before pruning.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    mentee_score: np.ndarray
    mentor_score: np.ndarray
    feasible_pairs: int
    pruned: bool
    feasible_count: np.ndarray | None = None

    @property
    def score(self) -> np.ndarray:
        """Return each pair's score: both sides added."""
        return self.mentee_score + self.mentor_score


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
                    values |= expand_groups(attribute, preference.values)
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
            for value in expand_groups(attribute, preference.values):
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
            for other in {mentee.line_manager, *mentee.exclusions, *mentee.ended_with}:
                if other in self.mentor_position:
                    out.setdefault(i, set()).add(self.mentor_position[other])
        for j, mentor in enumerate(self.mentors):
            for other in {mentor.line_manager, *mentor.exclusions, *mentor.ended_with}:
                if other in mentee_position:
                    out.setdefault(mentee_position[other], set()).add(j)
        return out

    def _encode_scores(self) -> None:
        # Set overlaps become 0/1 membership matrices: |A & B| for a block of pairs is then one
        # float32 matrix product, exact because the counts are small whole numbers.
        self._vs_e, self._vs_m = _memberships(
            [_tagged(p, "values", "working_style") for p in self.mentees],
            [_tagged(p, "values", "working_style") for p in self.mentors],
        )
        self._ig_e, self._ig_m = _memberships(
            [_tagged(p, "interests", "career_goals") for p in self.mentees],
            [_tagged(p, "interests", "career_goals") for p in self.mentors],
        )
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
        position = {topic: t for t, topic in enumerate(TOPICS)}
        # A topic's weight adds the question weights in question order, as `needs_fit` does;
        # adding 0.0 for a question that does not list the topic changes nothing.
        topic_weights = np.zeros((len(self.mentees), len(TOPICS)))
        for question, _ in v.NEEDS_QUESTIONS:
            listed = np.zeros((len(self.mentees), len(TOPICS)), dtype=bool)
            for i, mentee in enumerate(self.mentees):
                for topic in getattr(mentee.needs, question):
                    if topic in position:
                        listed[i, position[topic]] = True
            topic_weights = topic_weights + np.where(listed, getattr(w, question), 0.0)
        self._topic_weights = topic_weights
        den = np.zeros(len(self.mentees))
        for t in range(len(TOPICS)):
            den = den + topic_weights[:, t]
        self._needs_den = den
        offers = np.zeros((len(self.mentors), len(TOPICS)), dtype=bool)
        for j, mentor in enumerate(self.mentors):
            for topic in mentor.offers:
                if topic in position:
                    offers[j, position[topic]] = True
        self._offers = offers
        # With whole-number topic weights every partial sum is exact, so the fit's numerator can
        # be a matrix product (any order of addition gives the same bits); otherwise the block
        # scorer adds topic by topic in `needs_fit`'s order.
        whole = topic_weights == np.round(topic_weights)
        self._fit_by_product = (
            bool(whole.all()) and float(np.abs(topic_weights).sum(1).max(initial=0)) < 2**50
        )
        self._factors_built: _Factors | None = None
        self._all_columns: _Columns | None = None

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
                met = self._share(attribute, expand_groups(attribute, preference.values))
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

    def _team_ok(self, mentee: Mentee) -> np.ndarray:
        key = ("team", mentee.team)
        if key not in self._cache:
            self._cache[key] = np.array([t != mentee.team for t in self._mentor_team], bool)
        return self._cache[key]

    def _band_ok(self, mentee: Mentee) -> np.ndarray:
        key = ("band", mentee.band)
        if key not in self._cache:
            mine = v.band_rank(mentee.band)
            self._cache[key] = np.array(
                [
                    mine is not None and b is not None and b[0] == mine[0] and b[1] > mine[1]
                    for b in self._mentor_bands
                ],
                dtype=bool,
            ).reshape(len(self.mentors))
        return self._cache[key]

    def _mode_ok(self, mentee: Mentee) -> np.ndarray | None:
        if mentee.meeting_mode not in ("online", "in_person"):
            return None
        other = "in_person" if mentee.meeting_mode == "online" else "online"
        key = ("mode", other)
        if key not in self._cache:
            self._cache[key] = self._mentor_mode != other
        return self._cache[key]

    def _availability_ok(self, mentee: Mentee) -> np.ndarray:
        key = ("availability", mentee.availability)
        if key not in self._cache:
            self._cache[key] = np.array(
                [not a or bool(a & mentee.availability) for a in self._mentor_availability],
                dtype=bool,
            ).reshape(len(self.mentors))
        return self._cache[key]

    def rule_vectors(self, i: int) -> list[tuple[str, np.ndarray, bool]]:
        """Return (breach code, ok over mentors, relaxable) for every hard rule on mentee `i`.

        Capacity is not among them. Line managers, named exclusions and pairs whose mentoring
        ended are not relaxable.
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
            out.append(("same_team", self._team_ok(mentee), True))
        if rules.mentor_higher_band:
            out.append(("higher_band", self._band_ok(mentee), True))
        if rules.mentor_allyship_trained:
            out.append(("allyship_training", self._allyship, True))
        mode = self._mode_ok(mentee) if rules.compatible_meeting_mode else None
        if mode is not None:
            out.append(("meeting_mode", mode, True))
        if rules.shared_availability and mentee.availability:
            out.append(("availability", self._availability_ok(mentee), True))
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

    # Scores on blocks of pairs -------------------------------------------------------------

    def _factors(self) -> _Factors:
        """Return the per-mentee rule and preference vectors, each as codes into a small table.

        Mentees with the same value (or preference) share one cached vector over mentors, so a
        block of mentees is a few row gathers from small tables instead of Python per mentee.
        """
        if self._factors_built is not None:
            return self._factors_built
        rules = self.config.rules
        n = len(self.mentors)
        oks: list[_Factor] = []
        mentee_points: list[_Factor] = []
        mentor_points: list[_Factor] = []
        if rules.mentor_higher_band:
            oks.append(_Factor.of([self._band_ok(e) for e in self.mentees], n, True))
        if rules.compatible_meeting_mode:
            oks.append(_Factor.of([self._mode_ok(e) for e in self.mentees], n, True))
        if rules.shared_availability:
            oks.append(
                _Factor.of(
                    [self._availability_ok(e) if e.availability else None for e in self.mentees],
                    n,
                    True,
                )
            )
        for attribute in ATTRIBUTE_ORDER:
            mine = [self.mentee_preference_vectors(e, attribute) for e in self.mentees]
            oks.append(_Factor.of([m[0] if m and m[2] else None for m in mine], n, True))
            mentee_points.append(_Factor.of([m[1] if m and not m[2] else None for m in mine], n))
            if self._mentor_prefs[attribute] is not None:
                theirs = [self.mentor_preference_vectors(e, attribute) for e in self.mentees]
                oks.append(_Factor.of([t[0] if t else None for t in theirs], n, True))
                mentor_points.append(_Factor.of([t[1] if t else None for t in theirs], n))
        # Teams can be many, so they are compared as codes rather than cached vectors.
        team_code: dict[str, int] = {}
        mentor_team = np.array([team_code.setdefault(t, len(team_code)) for t in self._mentor_team])
        mentee_team = np.array(
            [
                team_code.get(e.team, -1) if rules.exclude_same_team and e.team else -1
                for e in self.mentees
            ],
            dtype=np.int64,
        ).reshape(len(self.mentees))
        excluded = sorted((i, j) for i, js in self._excluded.items() for j in js)
        columns = self.capacity > 0
        if rules.mentor_allyship_trained:
            columns = columns & self._allyship
        self._factors_built = _Factors(
            columns=columns,
            oks=[f for f in oks if f.used],
            mentee_points=[f for f in mentee_points if f.used],
            mentor_points=[f for f in mentor_points if f.used],
            mentee_team=mentee_team,
            mentor_team=mentor_team.reshape(n).astype(np.int64),
            excluded_rows=np.array([i for i, _ in excluded], dtype=np.int64),
            excluded_cols=np.array([j for _, j in excluded], dtype=np.int64),
        )
        return self._factors_built

    def block(
        self, rows: np.ndarray, cols: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (feasible, mentee milli-scores, mentor milli-scores) for mentees `rows` against
        mentors `cols` (all by default), as dense len(rows) x len(cols) matrices.

        Scores are worked out for every pair, feasible or not, with `score_pair`'s arithmetic:
        the same float64 operations in the same order, elementwise over the block.
        """
        f = self._factors()
        rows = np.asarray(rows, dtype=np.int64)
        cols_all = cols is None
        if cols is None:
            cols = np.arange(len(self.mentors))

        def gather(factor: _Factor) -> np.ndarray:
            table = factor.table if cols_all else factor.table[:, cols]
            return table[factor.codes[rows]]

        feasible = np.broadcast_to(f.columns[cols], (len(rows), len(cols))).copy()
        for factor in f.oks:
            feasible &= gather(factor)
        feasible &= f.mentee_team[rows, None] != f.mentor_team[None, cols]
        if len(f.excluded_rows) and len(rows):
            lo, hi = np.searchsorted(f.excluded_rows, [rows.min(), rows.max() + 1])
            position = {j: c for c, j in enumerate(cols.tolist())} if not cols_all else None
            where_row = {i: r for r, i in enumerate(rows.tolist())}
            for i, j in zip(
                f.excluded_rows[lo:hi].tolist(), f.excluded_cols[lo:hi].tolist(), strict=True
            ):
                r = where_row.get(i)
                c = j if position is None else position.get(j)
                if r is not None and c is not None:
                    feasible[r, c] = False
        mentee_milli = np.empty((len(rows), len(cols)), dtype=np.int64)
        mentor_milli = np.empty((len(rows), len(cols)), dtype=np.int64)
        columns = self._all_columns if cols_all else None
        columns = columns or _Columns(
            mentee_points=[x.table if cols_all else x.table[:, cols] for x in f.mentee_points],
            mentor_points=[x.table if cols_all else x.table[:, cols] for x in f.mentor_points],
            values=self._vs_m[cols].T.copy(),
            values_size=_sizes(self._vs_m[cols]),
            interests=self._ig_m[cols].T.copy(),
            interests_size=_sizes(self._ig_m[cols]),
            openness=self._open_m[cols],
            conscientiousness=self._cons_m[cols],
            offers=self._offers[cols].T.astype(np.float64),
        )
        if cols_all:
            self._all_columns = columns
        # Float work runs on sub-blocks of about 64k pairs: their temporaries stay in cache and
        # are reused, instead of touching fresh pages for every operation on a large block.
        step = max(1, 65_536 // max(1, len(cols)))
        for start in range(0, len(rows), step):
            part = slice(start, start + step)
            e, m = self._score_sub(rows[part], columns, f)
            mentee_milli[part] = e
            mentor_milli[part] = m
        return feasible, mentee_milli, mentor_milli

    def _score_sub(
        self, rows: np.ndarray, c: _Columns, f: _Factors
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (mentee, mentor) milli-scores of mentees `rows` against the block's mentors.

        Mirrors `score_pair` operation for operation. Where every pair of the sub-block knows a
        part, the masks are skipped: adding 0.0, or dividing by a denominator that is the same
        for every pair, gives the same bits as the reference's scalar steps.
        """
        w = self.config.weights
        shape = (len(rows), len(c.openness))
        # Preference points, attribute by attribute in `score_pair`'s order (adding 0.0 where a
        # mentee has no such preference changes nothing).
        pe = np.zeros(shape)
        for factor, table in zip(f.mentee_points, c.mentee_points, strict=True):
            pe += table[factor.codes[rows]]
        pm = np.zeros(shape)
        for factor, table in zip(f.mentor_points, c.mentor_points, strict=True):
            pm += table[factor.codes[rows]]
        # Deep-level similarity: num and den add each known part's weight in reference order.
        num = np.zeros(shape)
        den: np.ndarray | float = 0.0
        for weight, (part, has) in (
            (w.values_and_style, _jaccard(self._vs_e[rows], c.values, c.values_size)),
            (w.interests_and_goals, _jaccard(self._ig_e[rows], c.interests, c.interests_size)),
            (w.personality, self._personality(rows, c)),
        ):
            part *= weight
            if has is True:
                num += part
                den = den + weight
            else:
                num += np.where(has, part, 0.0)
                den = den + np.where(has, weight, 0.0)
        if isinstance(den, float):
            if den > 0:
                num /= den
            else:
                num[:] = 0.0
        else:
            np.divide(num, den, out=num, where=den > 0)
            num[~(den > 0)] = 0.0
        deep = num
        deep *= w.deep_level
        # Need-to-offer fit.
        tw = self._topic_weights[rows]
        if self._fit_by_product:
            # einsum's plain loops rather than BLAS: OpenBLAS threads on small products stall
            # badly on a busy machine, and the sum is exact in any order here.
            fit = np.einsum("it,tj->ij", tw, c.offers)
        else:
            fit = np.zeros(shape)
            for t in range(len(TOPICS)):
                fit += np.where(c.offers[t][None, :] > 0, tw[:, t, None], 0.0)
        fit_den = self._needs_den[rows]
        if (fit_den > 0).all():
            fit /= fit_den[:, None]
        else:
            np.divide(fit, fit_den[:, None], out=fit, where=fit_den[:, None] > 0)
            fit[fit_den <= 0] = 0.0
        fit *= w.needs
        pe += deep
        pe += fit
        pm += deep
        return _milli(pe), _milli(pm)

    def _personality(self, rows: np.ndarray, c: _Columns) -> tuple[np.ndarray, np.ndarray | bool]:
        """Return (1 - mean |difference| / 4, known) of openness and conscientiousness."""
        gap = None
        known: np.ndarray | float | None = None
        for mine, theirs in (
            (self._open_e[rows], c.openness),
            (self._cons_e[rows], c.conscientiousness),
        ):
            diff = np.subtract(mine[:, None], theirs[None, :])
            np.abs(diff, out=diff)
            has = ~np.isnan(mine)[:, None] & ~np.isnan(theirs)[None, :]
            if has.all():
                count: np.ndarray | float = 1.0
            else:
                diff = np.where(has, diff, 0.0)
                count = has.astype(np.float64)
            gap = diff if gap is None else np.add(gap, diff, out=gap)
            known = count if known is None else known + count
        assert gap is not None and known is not None
        if isinstance(known, float):
            gap /= 4.0 * known
            np.subtract(1.0, gap, out=gap)
            return gap, True
        out = 1.0 - np.divide(gap, 4.0 * known, out=np.zeros(gap.shape), where=known > 0)
        return out, known > 0


def _memberships(
    left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Return bitmasks (people x 64-bit words), one bit per distinct item, for two lists of sets.

    Overlaps are then AND and popcount: whole numbers, exact, and no BLAS threads involved.
    """
    items = sorted(set().union(*left, *right))
    position = {item: k for k, item in enumerate(items)}
    words = max(1, (len(items) + 63) // 64)
    out = []
    for sets in (left, right):
        bits = np.zeros((len(sets), words * 64), dtype=bool)
        for row, members in enumerate(sets):
            for item in members:
                bits[row, position[item]] = True
        # Little-endian bit order within each byte, and bytes within each little-endian word.
        packed = np.packbits(bits, axis=1, bitorder="little")
        out.append(packed.view("<u8").astype(np.uint64).reshape(len(sets), words))
    return out[0], out[1]


def _sizes(bits: np.ndarray) -> np.ndarray:
    """Return how many items each row of bitmasks holds, as float64."""
    return np.bitwise_count(bits).sum(axis=1, dtype=np.float64)


def _jaccard(
    a: np.ndarray, b_t: np.ndarray, size_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray | bool]:
    """Return (|A & B| / |A | B|, both non-empty) for every row of bitmasks `a` against every
    column of `b_t` (bitmasks, words x people) whose sizes are `size_b`.

    The counts are exact whole numbers, so the one division matches `len(a & b) / len(a | b)`.
    """
    inter = np.bitwise_count(a[:, 0, None] & b_t[0][None, :]).astype(np.float64)
    for word in range(1, a.shape[1]):
        inter += np.bitwise_count(a[:, word, None] & b_t[word][None, :])
    size_a = _sizes(a)
    union = size_a[:, None] + size_b[None, :]
    union -= inter
    if (size_a > 0).all() and (size_b > 0).all():
        inter /= union
        return inter, True
    known = (size_a > 0)[:, None] & (size_b > 0)[None, :]
    return np.divide(inter, union, out=np.zeros(inter.shape), where=known), known


@dataclass(eq=False)
class _Factor:
    """A mentee x mentor matrix with few distinct rows: row i is `table[codes[i]]`."""

    codes: np.ndarray
    table: np.ndarray
    used: bool

    @classmethod
    def of(cls, vectors: Sequence[np.ndarray | None], n: int, fill: bool | None = None) -> _Factor:
        """Build from one vector (or None: all `fill`, or 0.0) per mentee; cached vectors are
        shared objects, so their identity is their key."""
        position: dict[int, int] = {}
        table: list[np.ndarray] = []
        codes = np.empty(len(vectors), dtype=np.int64)
        blank = np.full(n, fill, dtype=bool) if fill is not None else np.zeros(n)
        for i, vector in enumerate(vectors):
            key = id(vector)
            k = position.get(key)
            if k is None:
                k = position[key] = len(table)
                table.append(blank if vector is None else vector)
            codes[i] = k
        used = any(vector is not None for vector in vectors)
        stacked = np.stack(table) if table else np.zeros((0, n), dtype=blank.dtype)
        return cls(codes, stacked.reshape(len(table), n), used)


@dataclass(eq=False)
class _Columns:
    """The block's mentors, laid out for the sub-block scorer."""

    mentee_points: list[np.ndarray]
    mentor_points: list[np.ndarray]
    values: np.ndarray
    values_size: np.ndarray
    interests: np.ndarray
    interests_size: np.ndarray
    openness: np.ndarray
    conscientiousness: np.ndarray
    offers: np.ndarray


@dataclass(eq=False)
class _Factors:
    columns: np.ndarray
    oks: list[_Factor]
    mentee_points: list[_Factor]
    mentor_points: list[_Factor]
    mentee_team: np.ndarray
    mentor_team: np.ndarray
    excluded_rows: np.ndarray
    excluded_cols: np.ndarray


def _milli(points: np.ndarray) -> np.ndarray:
    """`scoring.to_milli` elementwise, in place: ((points * 1000) + 0.5) + 1e-7, floored."""
    points *= 1000
    points += 0.5
    points += 1e-7
    np.floor(points, out=points)
    return points.astype(np.int64)


def _block_rows(n_mentors: int) -> int:
    """Mentees per block: about two million pairs, so a block's float64 temporaries stay small."""
    return max(8, min(4096, 2_000_000 // max(1, n_mentors)))


def build_candidates(index: CohortIndex, mentee_rows: Sequence[int] | None = None) -> Candidates:
    """Return the feasible pairs of the given mentees (all by default) with their scores.

    Reads every mentee against every mentor: O(mentees x mentors) vector work, in dense blocks.
    When the cohort has more pairs than `config.prune_above`, keeps each mentee's best
    `candidates_per_mentee` and each mentor's best `candidates_per_mentor` pairs. "Best" is the
    higher score, then the lower index on the other side, so ties are settled the same way
    whatever the input order or block size.
    """
    config = index.config
    rows_wanted = np.arange(len(index.mentees)) if mentee_rows is None else np.asarray(mentee_rows)
    n = len(index.mentors)
    prune = len(rows_wanted) * n > config.prune_above
    kept: list[tuple[np.ndarray, ...]] = []
    feasible_pairs = 0
    feasible_count = np.zeros(len(index.mentees), dtype=np.int64)
    pruned = False
    by_mentor = _BestPerColumn(n, config.candidates_per_mentor) if prune else None
    step = _block_rows(n)
    for start in range(0, len(rows_wanted) if n else 0, step):
        chunk = rows_wanted[start : start + step].astype(np.int64)
        feasible, e_mat, m_mat = index.block(chunk)
        per_row = feasible.sum(axis=1)
        feasible_count[chunk] = per_row
        feasible_pairs += int(per_row.sum())
        if by_mentor is None:
            r_idx, cols = np.nonzero(feasible)
            kept.append((chunk[r_idx], cols, e_mat[r_idx, cols], m_mat[r_idx, cols]))
            continue
        # Scores are never negative, so -1 marks an infeasible pair.
        total = np.where(feasible, e_mat + m_mat, -1)
        rr, cc = np.nonzero(_top_per_row(total, config.candidates_per_mentee))
        pruned = pruned or len(rr) < int(per_row.sum())
        kept.append((chunk[rr], cc, e_mat[rr, cc], m_mat[rr, cc]))
        by_mentor.offer(total, chunk, e_mat, m_mat)
    if by_mentor is not None:
        kept.append(by_mentor.result())
    if kept:
        mentee, mentor, mentee_score, mentor_score = _unique_pairs(_concat(kept), n)
    else:
        mentee = mentor = mentee_score = mentor_score = np.zeros(0, dtype=np.int64)
    return Candidates(
        mentee, mentor, mentee_score, mentor_score, feasible_pairs, pruned, feasible_count
    )


def _top_per_row(total: np.ndarray, k: int) -> np.ndarray:
    """Return a mask of each row's `k` best feasible entries (total >= 0): the higher total,
    then the lower column. A partition finds each row's k-th best total without sorting."""
    n = total.shape[1]
    if k >= n:
        return total >= 0
    kth = np.partition(total, n - k, axis=1)[:, n - k, None]
    above = total > kth
    # Among entries equal to the k-th best, the lowest columns fill the remaining places.
    tie = (total == kth) & (kth >= 0)
    need = k - above.sum(axis=1, keepdims=True)
    return above | (tie & (np.cumsum(tie, axis=1, dtype=np.int32) <= need))


class _BestPerColumn:
    """Each mentor's `k` best mentees over a stream of blocks: the higher total, then the lower
    mentee index.

    Once a mentor has `k` kept, their k-th best is a bar that a later pair must clear, so most
    of a block is dismissed with one comparison; survivors are merged only now and then.
    """

    def __init__(self, n: int, k: int) -> None:
        self.k = k
        self.bar_total = np.zeros(n, dtype=np.int64)  # every feasible pair clears a bar of 0 ...
        self.bar_row = np.full(n, np.iinfo(np.int64).max)  # ... with any mentee index
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.pending = 0
        self.n = n

    def offer(self, total: np.ndarray, chunk: np.ndarray, e: np.ndarray, m: np.ndarray) -> None:
        """Take a block's pairs (`total` -1 where infeasible) for rows `chunk` of the cohort."""
        passing = total >= self.bar_total[None, :]
        if len(chunk) > self.k and int(passing.sum()) > 4 * self.k * self.n:
            # Bars still low (early blocks): this block alone has k pairs at or above its own
            # k-th best total per mentor, so nothing below that can make the final list. Ties
            # with the new bar still pass (bar_row at its maximum).
            kth = np.partition(total, len(chunk) - self.k, axis=0)[len(chunk) - self.k]
            higher = kth > self.bar_total
            self.bar_total[higher] = kth[higher]
            self.bar_row[higher] = np.iinfo(np.int64).max
            passing = total >= self.bar_total[None, :]
        rr, cc = np.nonzero(passing)
        t = total[rr, cc]
        rows = chunk[rr]
        clears = (t > self.bar_total[cc]) | (rows < self.bar_row[cc])
        rr, cc, t, rows = rr[clears], cc[clears], t[clears], rows[clears]
        self.parts.append((rows, cc, e[rr, cc], m[rr, cc], t))
        self.pending += len(rr)
        if self.pending > max(1_000_000, 4 * self.k * self.n):
            self._merge()

    def _merge(self) -> None:
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            self.parts = [(empty, empty, empty, empty, empty)]
        rows, cols, e, m, t = (np.concatenate([p[k] for p in self.parts]) for k in range(5))
        order = _order_by_column_then_best(cols, t, rows)
        rows, cols, e, m, t = rows[order], cols[order], e[order], m[order], t[order]
        first = np.searchsorted(cols, cols, side="left")
        rank = np.arange(len(cols)) - first
        keep = rank < self.k
        rows, cols, e, m, t = rows[keep], cols[keep], e[keep], m[keep], t[keep]
        full = rank[keep] == self.k - 1
        self.bar_total[cols[full]] = t[full]
        self.bar_row[cols[full]] = rows[full]
        self.parts = [(rows, cols, e, m, t)]
        self.pending = 0

    def result(self) -> tuple[np.ndarray, ...]:
        """Return (mentee, mentor, mentee score, mentor score) of the kept pairs."""
        self._merge()
        rows, cols, e, m, _ = self.parts[0]
        return rows, cols, e, m


def _order_by_column_then_best(cols: np.ndarray, t: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return the order sorting by column, then higher total, then lower row."""
    if len(cols) == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(t.max())
    row_bits = int(rows.max()).bit_length()
    t_bits = top.bit_length()
    if int(cols.max()).bit_length() + t_bits + row_bits <= 62:
        # One integer key sorts faster than a three-key lexsort.
        key = (cols.astype(np.int64) << (t_bits + row_bits)) | ((top - t) << row_bits) | rows
        return np.argsort(key)
    return np.lexsort((rows, -t, cols))


def _concat(parts: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(4))


def _unique_pairs(part: tuple[np.ndarray, ...], n_mentors: int) -> tuple[np.ndarray, ...]:
    """Return the pairs once each, sorted by mentee then mentor."""
    key = part[0].astype(np.int64) * max(1, n_mentors) + part[1]
    _, first = np.unique(key, return_index=True)
    return tuple(p[first].astype(np.int64) for p in part)
