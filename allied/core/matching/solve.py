"""Exact solvers over pairs given as arrays: maximum total, fair, stable, and maximum size.

Every function takes `n_mentees`, the mentors' `capacity` array and parallel arrays of allowed
pairs (`mentee`, `mentor` indices) with integer scores, and returns `mentor_of`: for each mentee
the index of their mentor, or -1. Scores must be integers (milli-points), so optima are exact.

Matching with capacities is a transportation problem whose constraint matrix is totally
unimodular, so OR-Tools' min-cost flow finds the true optimum; nothing here is a heuristic.
"""

from __future__ import annotations

import heapq

import numpy as np

from allied.core.matching.objectives import OBJECTIVES

# OR-Tools' solvers are imported where they are used: each costs tens of milliseconds to load,
# which counts against `allied match pairs` on small files.


def _graph_arrays(
    n_mentees: int, capacity: np.ndarray, mentee: np.ndarray, mentor: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Return (tails, heads, capacities, source, sink) of the flow network, pair arcs first."""
    m = len(capacity)
    source, sink = n_mentees + m, n_mentees + m + 1
    used = np.unique(mentee)
    tails = np.concatenate([mentee, np.full(len(used), source), n_mentees + np.arange(m)])
    heads = np.concatenate([n_mentees + mentor, used, np.full(m, sink)])
    caps = np.concatenate(
        [np.ones(len(mentee), dtype=np.int64), np.ones(len(used), dtype=np.int64), capacity]
    )
    return tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), source, sink


def _mentor_of(
    n_mentees: int, mentee: np.ndarray, mentor: np.ndarray, used: np.ndarray
) -> np.ndarray:
    out = np.full(n_mentees, -1, dtype=np.int64)
    out[mentee[used]] = mentor[used]
    return out


def max_matched(
    n_mentees: int, capacity: np.ndarray, mentee: np.ndarray, mentor: np.ndarray
) -> int:
    """Return how many mentees the largest possible matching includes."""
    if len(mentee) == 0:
        return 0
    from ortools.graph.python import max_flow

    tails, heads, caps, source, sink = _graph_arrays(n_mentees, capacity, mentee, mentor)
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails, heads, caps)
    status = flow.solve(source, sink)
    if status != flow.OPTIMAL:
        raise RuntimeError(f"max flow failed with status {status}")
    return int(flow.optimal_flow())


def solve_max_total(
    n_mentees: int,
    capacity: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
) -> np.ndarray:
    """Return `mentor_of` matching as many mentees as possible, then maximising the total score.

    Solved as a maximum flow of minimum cost; costs are `max(score) - score`, never negative,
    which leaves the order of equal-size matchings by total unchanged.
    """
    if len(mentee) == 0:
        return np.full(n_mentees, -1, dtype=np.int64)
    from ortools.graph.python import min_cost_flow

    tails, heads, caps, source, sink = _graph_arrays(n_mentees, capacity, mentee, mentor)
    top = int(score.max())
    costs = np.zeros(len(tails), dtype=np.int64)
    costs[: len(mentee)] = top - score
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n_mentees + len(capacity) + 2, dtype=np.int64)
    supplies[source] = n_mentees
    supplies[sink] = -n_mentees
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(len(mentee), dtype=np.int32)) > 0
    return _mentor_of(n_mentees, mentee, mentor, used)


def solve_fair(
    n_mentees: int,
    capacity: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
) -> np.ndarray:
    """Return `mentor_of` matching as many as possible, then raising the lowest matched score as
    far as it can go, then maximising the total.

    Binary search over the distinct scores for the highest floor that still lets the maximum
    number of mentees be matched: one max flow per step, so O(log pairs) flows.
    """
    if len(mentee) == 0:
        return np.full(n_mentees, -1, dtype=np.int64)
    most = max_matched(n_mentees, capacity, mentee, mentor)
    floors = np.unique(score)
    lo, hi = 0, len(floors) - 1  # floors[lo] always keeps `most` matchable
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = score >= floors[mid]
        if max_matched(n_mentees, capacity, mentee[keep], mentor[keep]) == most:
            lo = mid
        else:
            hi = mid - 1
    keep = score >= floors[lo]
    return solve_max_total(n_mentees, capacity, mentee[keep], mentor[keep], score[keep])


def solve_stable(
    n_mentees: int,
    capacity: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    mentee_score: np.ndarray,
    mentor_score: np.ndarray,
) -> np.ndarray:
    """Return the mentee-proposing deferred-acceptance matching with capacities.

    Each mentee ranks mentors by their own side's score, each mentor ranks mentees by theirs;
    ties go to the lower index. No mentee and mentor would both strictly rather have each other.
    """
    out = np.full(n_mentees, -1, dtype=np.int64)
    if len(mentee) == 0:
        return out
    order = np.lexsort((mentor, -mentee_score, mentee))
    sorted_mentee = mentee[order]
    starts = np.searchsorted(sorted_mentee, np.arange(n_mentees), side="left")
    ends = np.searchsorted(sorted_mentee, np.arange(n_mentees), side="right")
    proposals = mentor[order].tolist()
    their_rank = mentor_score[order].tolist()
    next_choice = starts.tolist()
    ends_list = ends.tolist()
    caps = capacity.tolist()
    held: list[list[tuple[int, int, int]]] = [[] for _ in caps]  # (score, -mentee, mentee) heap
    free = [i for i in range(n_mentees) if starts[i] < ends[i]]
    free.reverse()
    while free:
        i = free.pop()
        k = next_choice[i]
        if k >= ends_list[i]:
            continue
        next_choice[i] = k + 1
        j = proposals[k]
        entry = (their_rank[k], -i, i)
        heap = held[j]
        if len(heap) < caps[j]:
            heapq.heappush(heap, entry)
        elif heap and entry > heap[0]:
            rejected = heapq.heapreplace(heap, entry)[2]
            free.append(rejected)
        else:
            free.append(i)
    for j, heap in enumerate(held):
        for _, _, i in heap:
            out[i] = j
    return out


def solve(
    objective: str,
    n_mentees: int,
    capacity: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    mentee_score: np.ndarray,
    mentor_score: np.ndarray,
) -> np.ndarray:
    """Return `mentor_of` for `objective`: "max-total", "fair" or "stable"."""
    if objective == "max-total":
        return solve_max_total(n_mentees, capacity, mentee, mentor, mentee_score + mentor_score)
    if objective == "fair":
        return solve_fair(n_mentees, capacity, mentee, mentor, mentee_score + mentor_score)
    if objective == "stable":
        return solve_stable(n_mentees, capacity, mentee, mentor, mentee_score, mentor_score)
    raise ValueError(f"there is no objective called {objective!r}; choose one of {OBJECTIVES}")
