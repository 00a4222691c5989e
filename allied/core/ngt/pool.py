"""Pooling one question across groups that voted on different ballots (several workshops).

The engine's own pooling (`tally` with a `group` column) needs one shared ballot. Workshops
each produce their own ideas, so here every group is tallied on its own ballot first and the
results are pooled by name: an idea's or theme's pooled score is the mean, over groups, of
its percentage of that group's maximum (0 in a group where it did not appear). Every group
therefore counts equally, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.ngt.ranking import competition_rank
from allied.core.ngt.tally import QuestionResult


@dataclass(frozen=True)
class PooledLine:
    name: str
    pct_of_max: float
    voters: int
    groups: int
    rank: int


@dataclass(frozen=True)
class PooledResult:
    groups: tuple[str, ...]
    voters: int
    ideas: tuple[PooledLine, ...]
    themes: tuple[PooledLine, ...]


def _pool(entries: Sequence[tuple[str, float, int]], n_groups: int) -> tuple[PooledLine, ...]:
    """Returns the lines ranked by mean % of maximum, then voters; ties share a rank."""
    totals: dict[str, list[float]] = {}
    for name, pct, voters in entries:
        line = totals.setdefault(name, [0.0, 0, 0])
        line[0] += pct
        line[1] += voters
        line[2] += 1
    names = list(totals)
    if not names:
        return ()
    mean = np.array([totals[n][0] / n_groups for n in names])
    voters = np.array([totals[n][1] for n in names], dtype=float)
    ranks = competition_rank([np.round(mean, 9), voters])
    lines = [
        PooledLine(n, round(float(mean[i]), 1), int(voters[i]), int(totals[n][2]), int(ranks[i]))
        for i, n in enumerate(names)
    ]
    return tuple(sorted(lines, key=lambda line: (line.rank, line.name)))


def pool_groups(groups: Sequence[tuple[str, QuestionResult]]) -> PooledResult:
    """Returns the question pooled over `groups`, given as (group name, that group's result)."""
    if not groups:
        raise ValueError("Pooling needs at least one group.")
    n = len(groups)
    ideas = [(i.idea, i.pct_of_max, i.voters) for _, result in groups for i in result.ideas]
    themes = [(t.theme, t.pct_of_max, t.voters) for _, result in groups for t in result.themes]
    return PooledResult(
        groups=tuple(name for name, _ in groups),
        voters=sum(result.voters for _, result in groups),
        ideas=_pool(ideas, n),
        themes=_pool(themes, n),
    )
