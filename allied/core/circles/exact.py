"""The exact optimum of the quality measure for small cohorts, by OR-Tools CP-SAT.

Used to check the exchange search, never to form circles in production: the model grows as
people × circles × attribute values and CP-SAT's proof of optimality grows far faster. For each
multiset of circle sizes within the range (a handful for a small cohort), CP-SAT maximises

    Σ_k Σ_col round(SCALE · coef_col / n_k) · T_k,col²

subject to: each person in exactly one circle, circle k holding n_k people, must-link pairs
together and cannot-link pairs apart. T² is modelled exactly with a multiplication constraint.
The coefficients are rounded to integers (SCALE = 10⁷), so the best split found is then scored with
the same float measure as the search, and the best over all size multisets is returned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from allied.core.circles.model import CircleError, CircleSpec, Person
from allied.core.circles.quality import encode, quality_of
from allied.core.circles.validate import check, default_circle_count

SCALE = 10_000_000


@dataclass(frozen=True)
class ExactResult:
    """The best split CP-SAT found: {person id: circle number from 1}, its quality, and whether
    CP-SAT proved it optimal for every size multiset (False if a time limit cut a search short)."""

    assignment: Mapping[str, int]
    quality: float
    optimal: bool


def exact_circles(
    people: Sequence[Person],
    spec: CircleSpec,
    *,
    circles: int | None = None,
    max_seconds: float = 60.0,
    workers: int = 1,
    seed: int = 1,
) -> ExactResult:
    """Return the optimum split into `circles` circles (default: as `form_circles` would choose).

    Raises CircleError on bad input and ValueError when the constraints admit no split at all.
    One worker keeps CP-SAT deterministic; `max_seconds` bounds each size multiset's search.
    """
    # OR-Tools takes a noticeable moment to import; only the check and the benchmark need it.
    from ortools.sat.python import cp_model

    problems = check(people, spec)
    if problems:
        raise CircleError(problems)
    ordered = sorted(people, key=lambda p: p.id)
    k = circles or spec.circles or default_circle_count(len(ordered), spec.size)
    encoding = encode(ordered, spec)
    index = {p.id: i for i, p in enumerate(ordered)}
    best: tuple[float, dict[str, int]] | None = None
    optimal = True
    for sizes in size_multisets(len(ordered), k, spec.size.low, spec.size.high):
        model = cp_model.CpModel()
        x = [[model.NewBoolVar(f"x{i}_{c}") for c in range(k)] for i in range(len(ordered))]
        for row in x:
            model.AddExactlyOne(row)
        for c, size in enumerate(sizes):
            model.Add(sum(row[c] for row in x) == size)
        # Circles of equal size are interchangeable; order them by their first member so CP-SAT
        # does not prove the same optimum once per relabelling.
        for c in range(1, k):
            if sizes[c] == sizes[c - 1]:
                for i in range(len(ordered)):
                    model.Add(x[i][c] <= sum(x[j][c - 1] for j in range(i)))
        for pair in spec.must_link:
            a, b = index[pair.first], index[pair.second]
            for c in range(k):
                model.Add(x[a][c] == x[b][c])
        for pair in spec.cannot_link:
            a, b = index[pair.first], index[pair.second]
            for c in range(k):
                model.AddBoolOr([x[a][c].Not(), x[b][c].Not()])
        terms = []
        for col, coef in enumerate(encoding.coef):
            holders = [i for i in range(len(ordered)) if col in encoding.codes[i]]
            if coef == 0 or not holders:
                continue
            for c, size in enumerate(sizes):
                weight = round(SCALE * float(coef) / size)
                if weight == 0:
                    continue
                t = model.NewIntVar(0, size, f"t{col}_{c}")
                model.Add(t == sum(x[i][c] for i in holders))
                square = model.NewIntVar(0, size * size, f"s{col}_{c}")
                model.AddMultiplicationEquality(square, [t, t])
                terms.append(weight * square)
        model.Maximize(sum(terms))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max_seconds
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if status != cp_model.INFEASIBLE:
                optimal = False
            continue
        optimal = optimal and status == cp_model.OPTIMAL
        assignment = {
            p.id: next(c + 1 for c in range(k) if solver.Value(x[i][c]))
            for i, p in enumerate(ordered)
        }
        quality, _ = quality_of(ordered, spec, assignment)
        if best is None or quality > best[0]:
            best = (quality, assignment)
    if best is None:
        raise ValueError(
            f"No split into {k} circles of {spec.size} meets every must-link and cannot-link pair."
        )
    return ExactResult(assignment=best[1], quality=best[0], optimal=optimal)


def size_multisets(total: int, parts: int, low: int, high: int) -> Iterator[tuple[int, ...]]:
    """Yield each non-increasing tuple of `parts` sizes within [low, high] that sums to `total`."""
    if parts == 0:
        if total == 0:
            yield ()
        return
    for first in range(min(high, total - low * (parts - 1)), low - 1, -1):
        if first * parts < total:
            break
        for rest in size_multisets(total - first, parts - 1, low, first):
            yield (first, *rest)
