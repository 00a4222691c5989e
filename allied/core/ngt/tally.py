"""The tally: totals, shares, ranks, themes, rounds, pooled groups, Kendall's W and the bootstrap.

Ballots are tallied per block (a question in one round and one group). Blocks with the same number of
voters m and ideas n are stacked into one (blocks × m × n) array and tallied together, so the cost is a
handful of NumPy passes over the data however many blocks there are.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from allied.core.ngt import rand
from allied.core.ngt.agreement import Agreement, chi_square_p, kendall_w, kendall_w_from_sums
from allied.core.ngt.ballots import (
    Ballot,
    BallotError,
    BallotTable,
    Problem,
    Question,
    validate_ballots,
)
from allied.core.ngt.bootstrap import (
    BootstrapSettings,
    block_rng,
    draw_counts,
    resampled_ranks,
    summarise,
)
from allied.core.ngt.ranking import competition_rank, descending_ranks
from allied.core.ngt.schemes import (
    ApprovalScheme,
    PointsScheme,
    RankScheme,
    RatingScheme,
    Scheme,
    check_tie_break,
    default_tie_break,
)
from allied.core.ngt.stability import (
    RoundStability,
    between_rounds,
    kendall_tau_b,
    percentile_interval,
)

POOLED = "pooled"
# A carry-forward outcome as a number in a column (the tally's columns are arrays of floats).
AGREED, NEXT_ROUND, EXCLUDED = 1.0, 0.0, -1.0
OUTCOME_WORDS = {AGREED: "agreed", NEXT_ROUND: "next round", EXCLUDED: "excluded"}


@dataclass(frozen=True)
class IdeaResult:
    """One idea's line in the results; scheme-specific fields are None when they do not apply."""

    idea: str
    theme: str | None
    total: float
    voters: int
    mean: float
    mean_among_voters: float | None
    pct_of_max: float
    share_of_points: float | None
    first_places: int
    top3: int
    rank: int
    rank_change: int | None = None
    normalised_total: float | None = None
    rank_sum: float | None = None
    mean_rank: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    iqr: float | None = None
    top_band: float | None = None
    bottom_band: float | None = None
    agreed: bool | None = None
    # With a carry-forward rule: "agreed", "excluded" or "next round" (None if nobody rated it).
    outcome: str | None = None
    top_n_probability: float | None = None
    rank_interval: tuple[int, int] | None = None
    # The RAND/UCLA statistics (ratings on 1–9 only; see allied.core.ngt.rand).
    p30: float | None = None
    p70: float | None = None
    ipr: float | None = None
    iprcp: float | None = None
    asymmetry_index: float | None = None
    ipras: float | None = None
    disagreement_index: float | None = None
    disagreement: bool | None = None
    ratings_1_3: int | None = None
    ratings_7_9: int | None = None
    panel_rule_agreement: bool | None = None
    panel_rule_disagreement: bool | None = None
    appropriateness: str | None = None


@dataclass(frozen=True)
class ThemeResult:
    """One theme's line: its ideas' totals summed, its distinct voters, and its rank among themes."""

    theme: str
    ideas: int
    total: float
    voters: int
    mean: float
    mean_among_voters: float | None
    pct_of_max: float
    share_of_points: float | None
    first_places: int
    top3: int
    rank: int
    normalised_total: float | None = None


@dataclass(frozen=True)
class QuestionResult:
    """The tally of one question in one round and group (group "pooled" for the pooled groups).

    `columns` holds each statistic as an array in ballot order of `idea_names`; `ideas` gives the same
    numbers as IdeaResult lines in rank order.
    """

    question: str | None
    round: int
    group: str | None
    voters: int
    ideas_on_ballot: int
    idea_names: tuple[str, ...]
    idea_themes: tuple[str | None, ...]
    stacked: Mapping[str, np.ndarray] = field(repr=False)
    position: int = field(repr=False)
    themes: tuple[ThemeResult, ...]
    agreement: Agreement
    top_n: int | None = None
    group_sizes: Mapping[str, int] = field(default_factory=dict)
    stability: RoundStability | None = None
    carry_forward: CarryForward | None = None

    @cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """Return each statistic as an array over the ideas in ballot order."""
        # Blocks of one shape are tallied as one stack; slicing it lazily keeps the tally cheap.
        return {name: col[self.position] for name, col in self.stacked.items()}

    @cached_property
    def ideas(self) -> tuple[IdeaResult, ...]:
        """Return the ideas in rank order (ballot order within a shared rank)."""
        cols = self.columns
        order = np.lexsort((np.arange(self.ideas_on_ballot), cols["rank"]))
        return tuple(self._idea(int(i)) for i in order)

    def idea(self, name: str) -> IdeaResult:
        """Return the line for the idea called `name`; raises KeyError if it is not on the ballot."""
        return self._idea(self.idea_names.index(name))

    def _idea(self, i: int) -> IdeaResult:
        cols = self.columns
        values: dict[str, object] = {"idea": self.idea_names[i], "theme": self.idea_themes[i]}
        for name in IdeaResult.__dataclass_fields__:
            if name in values or name not in cols:
                continue
            values[name] = _python(cols[name][i], name)
        if "interval_low" in cols:
            values["rank_interval"] = (int(cols["interval_low"][i]), int(cols["interval_high"][i]))
        return IdeaResult(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CarryForward:
    """A carry-forward rule applied to one round: what it settled, and, from the second round,
    whether this round rated the ideas the previous round sent on (ideas in ballot order)."""

    agreed: tuple[str, ...]
    excluded: tuple[str, ...]
    next_round: tuple[str, ...]
    previous_round: int | None = None
    # Rated in this round although the previous round had settled them (agreed or excluded).
    rated_though_settled: tuple[str, ...] = ()
    # Sent on by the previous round but not rated in this one.
    not_rated_though_sent_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class TallyResult:
    """Every block's result, in the order questions first appear, then round, then group."""

    scheme: Scheme
    tie_break: tuple[str, ...]
    questions: tuple[QuestionResult, ...]
    has_rounds: bool = False
    has_groups: bool = False
    bootstrap: BootstrapSettings | None = None


_INT_COLUMNS = frozenset(
    {"voters", "first_places", "top3", "rank", "rank_change", "ratings_1_3", "ratings_7_9"}
)
# Verdicts held as 1.0, 0.0 or NaN (not defined).
_VERDICT_COLUMNS = frozenset({"disagreement", "panel_rule_agreement", "panel_rule_disagreement"})


def _python(value: object, name: str) -> object:
    """Return a NumPy scalar as a plain Python value, NaN as None."""
    if name == "agreed":
        if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
            return None
        return bool(value)
    x = float(value)  # type: ignore[arg-type]
    if np.isnan(x):
        return None
    if name in _VERDICT_COLUMNS:
        return bool(x)
    if name == "appropriateness":
        return rand.APPROPRIATENESS_WORDS[x]
    if name == "outcome":
        return OUTCOME_WORDS[x]
    if name in _INT_COLUMNS:
        return int(x)
    return x


def tally(
    ballots: Sequence[Ballot],
    questions: Sequence[Question],
    scheme: Scheme,
    *,
    tie_break: Sequence[str] | None = None,
    bootstrap: BootstrapSettings | None = None,
) -> TallyResult:
    """Return the tally of `ballots`; raises BallotError listing every problem if any is invalid."""
    problems = validate_ballots(ballots, questions, scheme)
    if problems:
        raise BallotError(problems)
    return tally_table(
        BallotTable.from_ballots(ballots, questions),
        scheme,
        tie_break=tie_break,
        bootstrap=bootstrap,
    )


@dataclass
class _Blocks:
    """Blocks found in a set of rows: each row's block and voter slot, and each block's labels."""

    question: np.ndarray
    round: np.ndarray
    group: list[str | None]
    m: np.ndarray
    row_block: np.ndarray
    row_voter: np.ndarray
    weights: list[np.ndarray | None]
    strata: list[list[int]]
    sizes: list[dict[str, int]]


# Keys up to this many distinct values are factorised with a lookup table instead of a sort.
_DENSE_LIMIT = 1 << 24


def _factorise(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (sorted distinct keys, each key's index among them), like np.unique(return_inverse)."""
    space = int(keys.max()) + 1 if keys.size else 0
    if space > _DENSE_LIMIT:
        distinct, inverse = np.unique(keys, return_inverse=True)
        return distinct, inverse.ravel()
    present = np.zeros(space, dtype=bool)
    present[keys] = True
    code = np.cumsum(present) - 1
    return np.flatnonzero(present), code[keys]


def _index(block_key: np.ndarray, voter_key: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return (block keys, row → block, row → voter slot in block, voters per block, slot → voter key)."""
    keys, row_block = _factorise(block_key)
    span = int(voter_key.max()) + 1
    pairs, row_pair = _factorise(row_block.astype(np.int64) * span + voter_key)
    pair_block = pairs // span
    m = np.bincount(pair_block, minlength=len(keys))
    starts = np.concatenate(([0], np.cumsum(m)[:-1]))
    slot = np.arange(len(pairs)) - starts[pair_block]
    return keys, row_block, slot[row_pair], m, pairs % span, starts


def tally_table(
    table: BallotTable,
    scheme: Scheme,
    *,
    tie_break: Sequence[str] | None = None,
    bootstrap: BootstrapSettings | None = None,
) -> TallyResult:
    """Return the tally of valid ballots already packed into a BallotTable.

    The table is trusted: call validate_ballots first (tally does). Cost is a few passes over a
    (blocks × m × n) array, plus, with a bootstrap, B matrix products per block.
    """
    chain = check_tie_break(tuple(tie_break) if tie_break else default_tie_break(scheme), scheme)
    if table.value.size == 0:
        raise BallotError([Problem("There are no ballots to tally.")])
    n_groups = max(len(table.groups), 1)
    round_span = int(table.round.max()) + 1
    results: list[QuestionResult] = []

    block_key = (table.question * round_span + table.round) * n_groups + table.group
    keys, row_block, row_voter, m, _, _ = _index(block_key, table.participant)
    groups = [table.groups[int(k % n_groups)] if table.has_groups else None for k in keys]
    blocks = _Blocks(
        question=keys // n_groups // round_span,
        round=keys // n_groups % round_span,
        group=groups,
        m=m,
        row_block=row_block,
        row_voter=row_voter,
        weights=[None] * len(keys),
        strata=[[int(x)] for x in m],
        sizes=[{} for _ in keys],
    )
    results.extend(_tally_blocks(table, blocks, scheme, chain, bootstrap))
    if table.has_groups:
        results.extend(_tally_pooled(table, scheme, chain, bootstrap, round_span))

    # Order: question (first appearance), round, then groups in file order with the pool last.
    group_order = {g: i for i, g in enumerate(table.groups)}
    q_text = {q.text: i for i, q in enumerate(table.questions)}
    results.sort(
        key=lambda r: (
            q_text[r.question],
            r.round,
            len(group_order) if r.group == POOLED else group_order.get(r.group, 0),  # type: ignore[arg-type]
        )
    )
    has_rounds = len(np.unique(table.round)) > 1
    if has_rounds:
        results = _with_rank_change(results, isinstance(scheme, RatingScheme))
        if bootstrap is not None:
            results = [_with_paired_interval(table, r, scheme, chain, bootstrap) for r in results]
    elif isinstance(scheme, RatingScheme) and scheme.rule.exclude_bottom is not None:
        results = [replace(r, carry_forward=_carry_forward(r, None)) for r in results]
    return TallyResult(
        scheme=scheme,
        tie_break=chain,
        questions=tuple(results),
        has_rounds=has_rounds,
        has_groups=table.has_groups,
        bootstrap=bootstrap,
    )


def _tally_pooled(
    table: BallotTable,
    scheme: Scheme,
    chain: tuple[str, ...],
    bootstrap: BootstrapSettings | None,
    round_span: int,
) -> list[QuestionResult]:
    """Return the pooled result of every question and round answered by two or more groups."""
    people = max(len(table.participants), int(table.participant.max()) + 1)
    block_key = table.question * round_span + table.round
    # Voters are keyed by group as well, so the pool's voters are listed group by group.
    voter_key = table.group * people + table.participant
    keys, row_block, row_voter, m, slot_key, starts = _index(block_key, voter_key)
    slot_group = slot_key // people
    keep: list[int] = []
    weights: list[np.ndarray | None] = []
    strata: list[list[int]] = []
    sizes: list[dict[str, int]] = []
    for b in range(len(keys)):
        voter_groups = slot_group[starts[b] : starts[b] + m[b]]
        present, per_group = np.unique(voter_groups, return_counts=True)
        if len(present) < 2:
            continue
        keep.append(b)
        # Each voter weighs M / (G · m_g): every group counts equally and the weights still sum to M.
        size_of = dict(zip(present.tolist(), per_group.tolist(), strict=True))
        w = np.array([m[b] / (len(present) * size_of[int(g)]) for g in voter_groups])
        weights.append(w)
        strata.append(per_group.tolist())
        sizes.append(
            {table.groups[int(g)]: int(c) for g, c in zip(present, per_group, strict=True)}
        )
    if not keep:
        return []
    kept = np.zeros(len(keys), dtype=bool)
    kept[keep] = True
    rows = kept[row_block]
    renumber = np.cumsum(kept) - 1
    sub = BallotTable(
        questions=table.questions,
        question=table.question[rows],
        round=table.round[rows],
        group=table.group[rows],
        participant=table.participant[rows],
        idea=table.idea[rows],
        value=table.value[rows],
        groups=table.groups,
        participants=table.participants,
    )
    kept_keys = keys[keep]
    blocks = _Blocks(
        question=kept_keys // round_span,
        round=kept_keys % round_span,
        group=[POOLED] * len(keep),
        m=m[keep],
        row_block=renumber[row_block[rows]],
        row_voter=row_voter[rows],
        weights=weights,
        strata=strata,
        sizes=sizes,
    )
    return _tally_blocks(sub, blocks, scheme, chain, bootstrap)


def _tally_blocks(
    table: BallotTable,
    blocks: _Blocks,
    scheme: Scheme,
    chain: tuple[str, ...],
    bootstrap: BootstrapSettings | None,
) -> list[QuestionResult]:
    """Return a QuestionResult per block, tallying blocks of the same shape together."""
    n_of_question = np.array([len(q.ideas) for q in table.questions])
    n = n_of_question[blocks.question]
    widest = int(n.max()) + 1
    shape_codes, bucket_of_block = _factorise(blocks.m.astype(np.int64) * widest + n)
    shape_keys = np.stack([shape_codes // widest, shape_codes % widest], axis=1)
    themed = [any(q.themes) for q in table.questions]
    row_bucket = bucket_of_block[blocks.row_block]
    position = np.zeros(len(blocks.m), dtype=np.int64)
    out: list[QuestionResult] = []
    single = len(shape_keys) == 1
    for bucket, (bm, bn) in enumerate(shape_keys.tolist()):
        members = np.flatnonzero(bucket_of_block == bucket)
        position[members] = np.arange(len(members))
        rows = slice(None) if single else np.flatnonzero(row_bucket == bucket)
        cells = _Cells(
            blocks=len(members),
            m=int(bm),
            n=int(bn),
            block=position[blocks.row_block[rows]],
            voter=blocks.row_voter[rows],
            idea=table.idea[rows],
            value=table.value[rows],
        )
        weighted = blocks.weights[members[0]] is not None
        weights = (
            np.stack([blocks.weights[b] for b in members]) if weighted else None  # type: ignore[misc]
        )
        stats = _Stats(cells, weights, scheme)
        columns = stats.columns(chain)
        agreement = stats.agreement()
        top_n = None
        if bootstrap is not None:
            top_n = bootstrap.top_n or (
                scheme.k if isinstance(scheme, RankScheme) and scheme.k else 5
            )
            top_n = min(top_n, bn)
            labels = [
                (table.questions[blocks.question[b]].text, int(blocks.round[b]), blocks.group[b])
                for b in members
            ]
            strata = [blocks.strata[b] for b in members]
            columns.update(stats.bootstrap(chain, bootstrap, labels, strata, top_n))
        for i, b in enumerate(members):
            question = table.questions[blocks.question[b]]
            themes = _themes(stats, i, question, chain) if themed[blocks.question[b]] else ()
            out.append(
                QuestionResult(
                    question=question.text,
                    round=int(blocks.round[b]),
                    group=blocks.group[b],
                    voters=int(bm),
                    ideas_on_ballot=int(bn),
                    idea_names=question.ideas,
                    idea_themes=question.themes,
                    stacked=columns,
                    position=i,
                    themes=themes,
                    agreement=agreement[i],
                    top_n=top_n,
                    group_sizes=blocks.sizes[b],
                )
            )
    return out


@dataclass(frozen=True)
class _Cells:
    """The marks of a stack of same-shaped blocks, one entry per choice (block, voter, idea, value)."""

    blocks: int
    m: int
    n: int
    block: np.ndarray
    voter: np.ndarray
    idea: np.ndarray
    value: np.ndarray

    @cached_property
    def flat(self) -> np.ndarray:
        """Return each mark's index into a (blocks, m, n) array, flattened."""
        return (self.block * self.m + self.voter) * self.n + self.idea

    @cached_property
    def block_idea(self) -> np.ndarray:
        """Return each mark's index into a (blocks, n) array, flattened."""
        return self.block * self.n + self.idea

    @cached_property
    def block_voter(self) -> np.ndarray:
        """Return each mark's index into a (blocks, m) array, flattened."""
        return self.block * self.m + self.voter

    def dense(self, per_mark: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """Return a (blocks, m, n) array holding per_mark at each mark and `fill` elsewhere."""
        out = np.full(self.blocks * self.m * self.n, fill, dtype=per_mark.dtype)
        out[self.flat] = per_mark
        return out.reshape(self.blocks, self.m, self.n)

    def per_idea(
        self, per_mark: np.ndarray | None = None, where: np.ndarray | None = None
    ) -> np.ndarray:
        """Return Σ per_mark over each block's voters as (blocks, n); counts marks when None."""
        index = self.block_idea if where is None else self.block_idea[where]
        weights = per_mark if where is None or per_mark is None else per_mark[where]
        size = self.blocks * self.n
        return np.bincount(index, weights=weights, minlength=size).reshape(self.blocks, self.n)

    def per_voter(self, per_mark: np.ndarray | None = None) -> np.ndarray:
        """Return Σ per_mark over each voter's marks as (blocks, m); counts marks when None."""
        size = self.blocks * self.m
        return np.bincount(self.block_voter, weights=per_mark, minlength=size).reshape(
            self.blocks, self.m
        )


class _Stats:
    """Statistics of a stack of same-shaped blocks.

    The columns every scheme shares are sums over marks (bincount over one entry per choice); the
    dense (blocks, m, n) arrays are built only when themes, ratings or the bootstrap need them.
    """

    def __init__(self, cells: _Cells, weights: np.ndarray | None, scheme: Scheme) -> None:
        self.cells = cells
        self.scheme = scheme
        self.m, self.n = cells.m, cells.n
        self.weights = weights
        self.mark_points = _mark_points(cells, scheme)
        # A rating counts its rater as a voter even when the rating is low; elsewhere a voter is
        # someone who gave the idea points.
        if isinstance(scheme, RatingScheme):
            self.mark_voted = np.ones(cells.value.shape, dtype=bool)
        else:
            self.mark_voted = self.mark_points > 0
        if isinstance(scheme, RankScheme):
            self.mark_place = cells.value
        else:
            self.mark_place = self.place.ravel()[cells.flat]
        self.mark_weight = None if weights is None else weights.ravel()[cells.block_voter]

    @cached_property
    def values(self) -> np.ndarray:
        """Return the (blocks, m, n) marks: rank, points or rating, 0 where none."""
        return self.cells.dense(self.cells.value)

    @cached_property
    def chosen(self) -> np.ndarray:
        """Return (blocks, m, n): True where the voter marked the idea."""
        return self.cells.dense(np.ones(self.cells.value.shape, dtype=bool), False)

    @cached_property
    def points(self) -> np.ndarray:
        """Return (blocks, m, n): the points each voter gave each idea."""
        return self.cells.dense(self.mark_points)

    @cached_property
    def voted(self) -> np.ndarray:
        """Return (blocks, m, n): True where the voter gave the idea points (or rated it)."""
        return self.cells.dense(self.mark_voted, False)

    @cached_property
    def place(self) -> np.ndarray:
        """Return (blocks, m, n): the place (1 = best) the voter gave the idea, 0 where none."""
        if isinstance(self.scheme, RankScheme):
            return self.values
        scores = np.where(self.voted, self.points, -np.inf)
        return np.where(self.voted, descending_ranks(scores)[0], 0.0)

    def _weighted(self, x: np.ndarray) -> np.ndarray:
        """Return Σ_j w_j x_j over voters: (blocks, m, n) → (blocks, n)."""
        if self.weights is None:
            return x.sum(axis=1, dtype=np.float64)
        return np.einsum("bm,bmn->bn", self.weights, x)

    def columns(self, chain: Sequence[str]) -> dict[str, np.ndarray]:
        """Return every idea statistic as (blocks, n) arrays, including the rank."""
        scheme, m, cells = self.scheme, self.m, self.cells
        total = cells.per_idea(self.mark_points)
        voters = cells.per_idea(where=self.mark_voted)
        if self.mark_weight is None:
            weighted_total, weighted_voters = total, voters
        else:
            weighted_total = cells.per_idea(self.mark_weight * self.mark_points)
            weighted_voters = cells.per_idea(self.mark_weight * self.mark_voted)
        place = self.mark_place
        with np.errstate(divide="ignore", invalid="ignore"):
            cols: dict[str, np.ndarray] = {
                "total": total,
                "voters": voters,
                "mean": weighted_total / m,
                "mean_among_voters": np.where(voters > 0, weighted_total / weighted_voters, np.nan),
                "pct_of_max": weighted_total / (m * scheme.max_points(self.n)) * 100.0,
                "share_of_points": weighted_total
                / weighted_total.sum(axis=1, keepdims=True)
                * 100.0,
                "first_places": cells.per_idea(where=place == 1),
                "top3": cells.per_idea(where=(place >= 1) & (place <= 3)),
            }
        if self.weights is not None:
            cols["normalised_total"] = weighted_total
        if isinstance(scheme, RankScheme) and scheme.complete:
            cols["rank_sum"] = cells.per_idea(cells.value)
            cols["mean_rank"] = cols["rank_sum"] / m
        if isinstance(scheme, RatingScheme):
            cols.update(_rating_columns(self.values, self.chosen, scheme))
            cols["mean"] = cols["rating_mean"]
            del cols["rating_mean"]
        keys = {**cols, "total": weighted_total}
        cols["rank"] = competition_rank([_key(keys, name) for name in chain])
        return cols

    def agreement(self) -> list[Agreement]:
        """Return Kendall's W, χ², df and p for each block."""
        n, m = self.n, self.m
        if isinstance(self.scheme, RankScheme):
            # Unranked ideas share the mid-rank of the places left, (c + 1 + n) / 2, so idea i's rank
            # sum is Σ_j mid_j plus, for each voter who ranked it, (r − mid_j).
            cells = self.cells
            c = cells.per_voter()
            mid = (c + 1 + n) / 2.0
            shift = cells.value - mid.ravel()[cells.block_voter]
            rank_sums = mid.sum(axis=1, keepdims=True) + cells.per_idea(shift)
            t = n - c
            w = kendall_w_from_sums(rank_sums, (t**3 - t).sum(axis=1), m)
        elif isinstance(self.scheme, RatingScheme):
            # An idea nobody rated in a block was not put to that round (a carry-forward rule
            # settled it): W is over the ideas rated, as if they alone were on the ballot.
            w = np.full(self.cells.blocks, np.nan)
            sizes_n = np.zeros(self.cells.blocks, dtype=np.int64)
            for b in range(self.cells.blocks):
                keep = self.chosen[b].any(axis=0)
                scores = np.where(self.chosen[b][:, keep], self.points[b][:, keep], -np.inf)
                _, ranks, sizes = descending_ranks(scores[None])
                w[b] = kendall_w(ranks, (sizes**2 - 1).sum(axis=2))[0]
                sizes_n[b] = int(keep.sum())
            chi2 = m * (sizes_n - 1) * w
            return [
                Agreement(
                    float(wi),
                    float(ci),
                    int(ni) - 1,
                    float(chi_square_p(np.asarray(ci), int(ni) - 1)),
                )
                if math.isfinite(wi)
                else Agreement(None, None, None, None)
                for wi, ci, ni in zip(w.tolist(), chi2.tolist(), sizes_n.tolist(), strict=True)
            ]
        else:
            scores = np.where(self.voted, self.points, 0.0)
            _, ranks, sizes = descending_ranks(scores)
            # Σ over ideas of (t² − 1) equals Σ over tie groups of (t³ − t).
            w = kendall_w(ranks, (sizes**2 - 1).sum(axis=2))
        chi2 = m * (n - 1) * w
        p = chi_square_p(np.nan_to_num(chi2), n - 1) if n > 1 else np.full_like(w, np.nan)
        return [
            Agreement(float(wi), float(ci), n - 1, float(pi))
            if math.isfinite(wi)
            else Agreement(None, None, None, None)
            for wi, ci, pi in zip(w.tolist(), chi2.tolist(), p.tolist(), strict=True)
        ]

    def bootstrap(
        self,
        chain: Sequence[str],
        settings: BootstrapSettings,
        labels: Sequence[tuple[object, ...]],
        strata: Sequence[Sequence[int]],
        top_n: int,
    ) -> dict[str, np.ndarray]:
        """Return top_n_probability and the 95% rank interval of each idea, (blocks, n) each."""
        weights = (
            self.weights if self.weights is not None else np.ones((self.cells.blocks, self.m))
        )[:, :, None]
        rating = self.scheme if isinstance(self.scheme, RatingScheme) else None

        def in_band(band: tuple[float, float] | None) -> np.ndarray:
            assert band is not None
            return (self.chosen & (self.values >= band[0]) & (self.values <= band[1])) * 1.0

        # Built lazily: each is a (blocks, m, n) array and most chains need only two or three.
        contributions: dict[str, Callable[[], np.ndarray]] = {
            "total": lambda: weights * self.points,
            "raw_total": lambda: self.points,
            "voters": lambda: self.voted * 1.0,
            "first_places": lambda: (self.place == 1) * 1.0,
            "top3": lambda: ((self.place >= 1) & (self.place <= 3)) * 1.0,
            "weighted_voters": lambda: weights * self.voted,
            "weight": lambda: np.broadcast_to(weights, self.points.shape),
            "ranks": lambda: self.values,
            "rated": lambda: self.chosen * 1.0,
            "top_band": lambda: in_band(rating.top_band if rating else None),
            "bottom_band": lambda: in_band(rating.bottom_band if rating else None),
        }
        linear = {name: contributions[name]() for name in _linear_needed(chain, self.scheme)}
        out = {name: np.zeros((len(labels), self.n)) for name in ("top_n_probability",)}
        out["interval_low"] = np.zeros((len(labels), self.n), dtype=np.int64)
        out["interval_high"] = np.zeros((len(labels), self.n), dtype=np.int64)
        for i, label in enumerate(labels):
            rng = block_rng(settings.seed, label)
            idx, counts = draw_counts(rng, strata[i], settings.resamples)
            gathered = None
            if "median" in chain:
                sample = np.where(self.chosen[i], self.values[i], np.nan)[idx]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    gathered = {"median": np.nanmedian(sample, axis=1)}
            ranks = resampled_ranks(
                counts,
                {name: x[i] for name, x in linear.items()},
                chain,
                _resampled_key(self.m, self.scheme, self.n),
                gathered,
            )
            prob, low, high = summarise(ranks, top_n)
            out["top_n_probability"][i] = prob
            out["interval_low"][i] = low
            out["interval_high"][i] = high
        return out


def _linear_needed(chain: Sequence[str], scheme: Scheme) -> set[str]:
    """Return the per-voter contributions the chain's keys are built from."""
    needs = {
        "total": {"total"},
        "voters": {"voters"},
        "first_places": {"first_places"},
        "top3": {"top3"},
        "mean": {"raw_total", "rated"} if isinstance(scheme, RatingScheme) else {"total", "weight"},
        "mean_among_voters": {"total", "weighted_voters"},
        "median": set(),
        "top_band": {"top_band", "rated"},
        "bottom_band": {"bottom_band", "rated"},
        "mean_rank": {"ranks", "weight"},
    }
    return set().union(*(needs[k] for k in chain))


def _resampled_key(m: int, scheme: Scheme, n: int) -> Callable[..., np.ndarray]:
    """Return a function building a tie-break key from resampled sums (higher is better)."""

    def key(
        name: str, sums: Mapping[str, np.ndarray], gathered: Mapping[str, np.ndarray] | None
    ) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "mean":
                if isinstance(scheme, RatingScheme):
                    return sums["raw_total"] / sums["rated"]
                return sums["total"] / sums["weight"]
            if name == "mean_among_voters":
                return sums["total"] / sums["weighted_voters"]
            if name in ("top_band", "bottom_band"):
                share = sums[name] / sums["rated"]
                return -share if name == "bottom_band" else share
            if name == "mean_rank":
                return -sums["ranks"] / sums["weight"]
            if name == "median":
                assert gathered is not None
                return gathered["median"]
            return sums[name]

    return key


def _key(cols: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    """Return the tie-break key `name` oriented so that higher is better."""
    value = cols[name].astype(np.float64)
    return -value if name in ("bottom_band", "mean_rank") else value


def _mark_points(cells: _Cells, scheme: Scheme) -> np.ndarray:
    """Return the points each mark earns under `scheme`, one entry per choice."""
    if isinstance(scheme, RankScheme):
        if scheme.base == "k":
            top: float | np.ndarray = float(scheme.k)  # type: ignore[arg-type]
        elif scheme.base == "n":
            top = float(cells.n)
        else:
            top = cells.per_voter().ravel()[cells.block_voter]
        return top - cells.value + scheme.offset
    if isinstance(scheme, PointsScheme | RatingScheme):
        return cells.value.astype(np.float64)
    assert isinstance(scheme, ApprovalScheme)
    return np.ones(cells.value.shape)


def _rating_columns(
    values: np.ndarray, chosen: np.ndarray, scheme: RatingScheme
) -> dict[str, np.ndarray]:
    """Return median, quartiles (linear interpolation), IQR, mean, band shares and agreement."""
    ratings = np.where(chosen, values, np.nan)
    raters = chosen.sum(axis=1)
    assert scheme.top_band is not None and scheme.bottom_band is not None
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # An idea nobody rated has no median: NumPy warns and returns NaN, which becomes None.
        warnings.simplefilter("ignore", RuntimeWarning)
        q1, median, q3 = np.nanpercentile(ratings, [25, 50, 75], axis=1, method="linear")
        mean = np.nanmean(ratings, axis=1)
        top = (chosen & (values >= scheme.top_band[0]) & (values <= scheme.top_band[1])).sum(axis=1)
        bottom = (
            chosen & (values >= scheme.bottom_band[0]) & (values <= scheme.bottom_band[1])
        ).sum(axis=1)
        top_share = np.where(raters > 0, top / raters * 100.0, np.nan)
        bottom_share = np.where(raters > 0, bottom / raters * 100.0, np.nan)
    # An idea nobody rated was not put to this round: it is neither agreed nor not (NaN).
    agreed = np.where(
        raters > 0,
        (top_share >= scheme.rule.min_top) & (bottom_share < scheme.rule.max_bottom),
        np.nan,
    )
    extra = rand.rand_columns(values, chosen) if rand.applies(scheme.low, scheme.high) else {}
    if scheme.rule.exclude_bottom is not None:
        extra["outcome"] = np.select(
            [raters == 0, agreed == 1.0, bottom_share >= scheme.rule.exclude_bottom],
            [np.nan, AGREED, EXCLUDED],
            default=NEXT_ROUND,
        )
    return extra | {
        "median": median,
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "rating_mean": mean,
        "top_band": top_share,
        "bottom_band": bottom_share,
        "agreed": agreed,
    }


def _themes(
    stats: _Stats, i: int, question: Question, chain: Sequence[str]
) -> tuple[ThemeResult, ...]:
    """Return the themes of block i ranked like ideas: totals summed, voters counted once."""
    names = list(dict.fromkeys(t for t in question.themes if t is not None))
    member = np.array([[t == name for name in names] for t in question.themes], dtype=np.float64)
    sizes = member.sum(axis=0).astype(int)
    points, voted, place = stats.points[i], stats.voted[i], stats.place[i]
    weights = stats.weights[i] if stats.weights is not None else np.ones(stats.m)
    theme_points = points @ member  # (m, themes)
    theme_voted = (voted.astype(np.float64) @ member) > 0
    total = theme_points.sum(axis=0)
    weighted_total = weights @ theme_points
    voters = theme_voted.sum(axis=0)
    weighted_voters = weights @ theme_voted
    first = (((place == 1) * 1.0) @ member > 0).sum(axis=0)
    top3 = ((((place >= 1) & (place <= 3)) * 1.0) @ member > 0).sum(axis=0)
    maxima = np.array([stats.scheme.max_points_for_set(int(s), stats.n) for s in sizes])
    with np.errstate(divide="ignore", invalid="ignore"):
        cols = {
            "total": weighted_total,
            "voters": voters,
            "mean": weighted_total / stats.m,
            "mean_among_voters": np.where(voters > 0, weighted_total / weighted_voters, np.nan),
            "pct_of_max": weighted_total / (stats.m * maxima) * 100.0,
            "share_of_points": weighted_total / weighted_total.sum() * 100.0,
            "first_places": first,
            "top3": top3,
        }
        if isinstance(stats.scheme, RatingScheme):
            # A theme's rating statistics pool every rating given to its ideas.
            ratings = _ragged(np.where(stats.chosen[i], stats.values[i], np.nan), member)
            pooled = _rating_columns(np.nan_to_num(ratings), ~np.isnan(ratings), stats.scheme)
            cols.update(
                {k: v[0] for k, v in pooled.items() if k in ("median", "top_band", "bottom_band")}
            )
            cols["mean"] = pooled["rating_mean"][0]
        if isinstance(stats.scheme, RankScheme) and stats.scheme.complete:
            ranks = np.where(stats.chosen[i], stats.values[i], 0.0) @ member
            cols["mean_rank"] = ranks.sum(axis=0) / (stats.m * sizes)
    ranks = competition_rank([_key(cols, name) for name in chain])
    raw_total = total
    return tuple(
        ThemeResult(
            theme=names[t],
            ideas=int(sizes[t]),
            total=float(raw_total[t]),
            voters=int(voters[t]),
            mean=float(cols["mean"][t]),
            mean_among_voters=None
            if np.isnan(cols["mean_among_voters"][t])
            else float(cols["mean_among_voters"][t]),
            pct_of_max=float(cols["pct_of_max"][t]),
            share_of_points=None
            if np.isnan(cols["share_of_points"][t])
            else float(cols["share_of_points"][t]),
            first_places=int(first[t]),
            top3=int(top3[t]),
            rank=int(ranks[t]),
            normalised_total=float(weighted_total[t]) if stats.weights is not None else None,
        )
        for t in sorted(range(len(names)), key=lambda t: (ranks[t], t))
    )


def _ragged(ratings: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Return (1, m · largest theme, themes) of each theme's ratings, padded with NaN."""
    columns = [ratings[:, member[:, t] > 0].ravel() for t in range(member.shape[1])]
    longest = max(len(c) for c in columns)
    padded = np.full((longest, len(columns)), np.nan)
    for t, c in enumerate(columns):
        padded[: len(c), t] = c
    return padded[None]


def _carry_forward(result: QuestionResult, before: QuestionResult | None) -> CarryForward | None:
    """Return the carry-forward rule's outcome for one round (None without a rule)."""
    outcome = result.columns.get("outcome")
    if outcome is None:
        return None
    names = result.idea_names

    def having(column: np.ndarray, value: float) -> tuple[str, ...]:
        return tuple(names[i] for i in np.flatnonzero(column == value))

    rated = result.columns["voters"] > 0
    earlier: dict[str, object] = {}
    if before is not None and "outcome" in before.columns:
        settled = np.isin(before.columns["outcome"], (AGREED, EXCLUDED))
        sent_on = before.columns["outcome"] == NEXT_ROUND
        earlier = {
            "previous_round": before.round,
            "rated_though_settled": tuple(names[i] for i in np.flatnonzero(settled & rated)),
            "not_rated_though_sent_on": tuple(names[i] for i in np.flatnonzero(sent_on & ~rated)),
        }
    return CarryForward(
        agreed=having(outcome, AGREED),
        excluded=having(outcome, EXCLUDED),
        next_round=having(outcome, NEXT_ROUND),
        **earlier,  # type: ignore[arg-type]
    )


def _with_paired_interval(
    table: BallotTable,
    result: QuestionResult,
    scheme: Scheme,
    chain: tuple[str, ...],
    settings: BootstrapSettings,
) -> QuestionResult:
    """Return the result with a 95% bootstrap interval for its τ-b from the previous round.

    The bootstrap is paired: each resample draws people, with replacement, from everyone who
    voted in either round, and tallies both rounds from the same people (someone who voted in
    one round only counts in that one). So a panel that voted the same way twice gets an
    interval at 1, and the interval measures how the ranking changed, not the noise of each
    round on its own. Pooled entries (several groups) get none. Each resample is a tally of the
    two rounds, about a millisecond for a workshop's ballots."""
    stability = result.stability
    if stability is None or result.group == POOLED or stability.kendall_tau is None:
        return result
    q = next(i for i, question in enumerate(table.questions) if question.text == result.question)
    rounds = (stability.previous_round, result.round)
    mask = (table.question == q) & np.isin(table.round, rounds)
    if table.has_groups:
        mask &= table.group == table.groups.index(result.group)  # type: ignore[arg-type]
    rows = np.flatnonzero(mask)
    people, person_of_row = np.unique(table.participant[rows], return_inverse=True)
    rows_of = [rows[person_of_row == k] for k in range(len(people))]
    rng = block_rng(settings.seed, ("round stability", result.question, *rounds, result.group))
    rating = isinstance(scheme, RatingScheme)
    taus = np.full(settings.resamples, np.nan)
    for b in range(settings.resamples):
        drawn = rng.integers(0, len(people), len(people))
        picked = [rows_of[k] for k in drawn]
        sub_rows = np.concatenate(picked)
        voter = np.repeat(np.arange(len(drawn)), [len(p) for p in picked])
        sub = BallotTable(
            questions=(table.questions[q],),
            question=np.zeros(len(sub_rows), dtype=table.question.dtype),
            round=table.round[sub_rows],
            group=np.zeros(len(sub_rows), dtype=table.group.dtype),
            participant=voter,
            idea=table.idea[sub_rows],
            value=table.value[sub_rows],
            participants=tuple(map(str, range(len(drawn)))),
        )
        blocks = {r.round: r for r in tally_table(sub, scheme, tie_break=chain).questions}
        if set(rounds) - set(blocks):
            continue  # the people drawn voted in one of the rounds only
        before, after = blocks[rounds[0]], blocks[rounds[1]]
        compared = np.ones(after.ideas_on_ballot, dtype=bool)
        if rating:
            compared = (before.columns["voters"] > 0) & (after.columns["voters"] > 0)
        keep = np.flatnonzero(compared)
        taus[b] = kendall_tau_b(before.columns["rank"][keep], after.columns["rank"][keep])
    return replace(result, stability=replace(stability, interval=percentile_interval(taus)))


def _with_rank_change(results: list[QuestionResult], rating: bool = False) -> list[QuestionResult]:
    """Return the results with rank_change = previous round's rank − this round's (up is positive)
    and the whole ranking's stability from the previous round.

    The stability compares every idea on the ballot; for ratings, only the ideas rated in both
    rounds (an idea nobody rated in a round was not put to that round).
    """
    previous: dict[tuple[str | None, str | None], QuestionResult] = {}
    out = []
    for result in results:  # already ordered by question, round, group
        key = (result.question, result.group)
        change = np.full(result.ideas_on_ballot, np.nan)
        stability = None
        before = previous.get(key)
        if before is not None:
            change = before.columns["rank"] - result.columns["rank"]
            compared = np.ones(result.ideas_on_ballot, dtype=bool)
            if rating:
                compared = (before.columns["voters"] > 0) & (result.columns["voters"] > 0)
                # Movement is among the ideas rated in both rounds: an idea settled and left out
                # does not make the others seem to move up, and one not rated did not move.
                keep = np.flatnonzero(compared)
                change = np.full(result.ideas_on_ballot, np.nan)
                if keep.size:
                    earlier = competition_rank([-before.columns["rank"][keep].astype(np.float64)])
                    later = competition_rank([-result.columns["rank"][keep].astype(np.float64)])
                    change[keep] = earlier - later
            stability = between_rounds(
                before.round,
                before.columns["rank"],
                result.columns["rank"],
                compared,
            )
        carry = _carry_forward(result, before)
        previous[key] = result
        out.append(
            QuestionResult(
                **{
                    **{f: getattr(result, f) for f in QuestionResult.__dataclass_fields__},
                    "stacked": {name: col[None] for name, col in result.columns.items()}
                    | {"rank_change": change[None]},
                    "position": 0,
                    "stability": stability,
                    "carry_forward": carry,
                }
            )
        )
    return out
