"""The quality measure: how diverse circles are where diversity is wanted, how alike where likeness is.

For an attribute with cohort shares p_v, Gini–Simpson diversity is G = 1 − Σ p_v². A circle k of
n_k people holding c_kv of value v has G_k = 1 − Σ (c_kv / n_k)². Then

* a diverse attribute scores D = Σ_k n_k G_k / (N G): 1 when every circle mixes the values as
  the whole cohort does, lower as circles become lopsided;
* an alike attribute scores L = 1 − Σ_k n_k G_k / (N G): 1 when every circle shares one value.

Σ_k n_k G_k is the within-circle sum of squares of the one-hot coded attribute, so D is the
k-means anticlustering criterion (Späth 1986; Papenberg and Klau 2021) scaled to 0..1, and it never
exceeds 1 because within-circle variation cannot exceed the cohort's. The quality is the weighted
mean of the scores. Because n_k G_k = n_k − Σ_v c_kv² / n_k, the quality equals a constant plus

    F = Σ_k Σ_col coef_col · T_k,col² / n_k

where T_k,col counts circle k's members holding the value in that column, and coef_col is
−w / (W N G) for a diverse attribute and +w / (W N G) for an alike one. The exchange search
maximises F with cheap updates; reports use the scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.circles.model import AttributeScore, CircleSpec, Person


@dataclass(frozen=True)
class Encoding:
    """People coded for the search.

    `codes[i, a]` is the feature column of person i's value of attribute a (attributes in the
    spec's order, diverse first); `coef` holds each column's coefficient in F; `values` names each
    column as (attribute, value).
    """

    attributes: tuple[str, ...]
    values: tuple[tuple[str, str], ...]
    codes: np.ndarray
    coef: np.ndarray
    cohort_diversity: tuple[float, ...]

    @property
    def columns(self) -> int:
        """Return the number of feature columns (distinct attribute values)."""
        return len(self.values)

    def features(self) -> np.ndarray:
        """Return the one-hot matrix, one row per person, one column per attribute value."""
        x = np.zeros((self.codes.shape[0], self.columns), dtype=np.float64)
        rows = np.repeat(np.arange(self.codes.shape[0]), self.codes.shape[1])
        x[rows, self.codes.ravel()] = 1.0
        return x


def encode(people: Sequence[Person], spec: CircleSpec) -> Encoding:
    """Return the people coded against the spec's attributes; values are sorted for determinism."""
    n = len(people)
    attributes = spec.attributes
    total_weight = sum(spec.weight(a) for a in attributes)
    values: list[tuple[str, str]] = []
    codes = np.zeros((n, len(attributes)), dtype=np.int64)
    coef: list[float] = []
    diversity: list[float] = []
    for a, attribute in enumerate(attributes):
        column = [p.value(attribute) for p in people]
        distinct = sorted(set(column))
        index = {v: len(values) + j for j, v in enumerate(distinct)}
        codes[:, a] = [index[v] for v in column]
        counts = np.bincount(codes[:, a] - len(values), minlength=len(distinct))
        g = 1.0 - float(np.sum((counts / n) ** 2)) if n else 0.0
        diversity.append(g)
        # An attribute with a single value cannot be served better or worse: it gets no say.
        if g <= 1e-12 or total_weight == 0:
            c = 0.0
        else:
            c = spec.weight(attribute) / (total_weight * n * g)
            if attribute in spec.diverse:
                c = -c
        coef.extend([c] * len(distinct))
        values.extend((attribute, v) for v in distinct)
    return Encoding(
        attributes=attributes,
        values=tuple(values),
        codes=codes,
        coef=np.array(coef, dtype=np.float64),
        cohort_diversity=tuple(diversity),
    )


def scores(
    encoding: Encoding, circle_of: np.ndarray, spec: CircleSpec
) -> tuple[AttributeScore, ...]:
    """Return each attribute's score for the split where person i is in circle `circle_of[i]`."""
    n = encoding.codes.shape[0]
    k = int(circle_of.max()) + 1 if n else 0
    sizes = np.bincount(circle_of, minlength=k).astype(np.float64)
    counts = np.zeros((k, encoding.columns))
    for a in range(len(encoding.attributes)):
        np.add.at(counts, (circle_of, encoding.codes[:, a]), 1.0)
    occupied = sizes > 0
    result = []
    for a, attribute in enumerate(encoding.attributes):
        g = encoding.cohort_diversity[a]
        kind = "diverse" if attribute in spec.diverse else "alike"
        if g <= 1e-12:
            score = 1.0
        else:
            cols = [j for j, (name, _) in enumerate(encoding.values) if name == attribute]
            squares = (counts[occupied][:, cols] ** 2).sum(axis=1) / sizes[occupied]
            within = float(np.sum(sizes[occupied] - squares))
            ratio = min(max(within / (n * g), 0.0), 1.0)
            score = ratio if kind == "diverse" else 1.0 - ratio
        result.append(AttributeScore(attribute, kind, score, spec.weight(attribute)))
    return tuple(result)


def overall(attribute_scores: Sequence[AttributeScore]) -> float:
    """Return the weighted mean of the scores; 1 when nothing is asked for."""
    total = sum(s.weight for s in attribute_scores)
    if total == 0:
        return 1.0
    return sum(s.weight * s.score for s in attribute_scores) / total


def quality_of(
    people: Sequence[Person], spec: CircleSpec, assignment: Mapping[str, object]
) -> tuple[float, tuple[AttributeScore, ...]]:
    """Return (quality, attribute scores) of any split given as {person id: circle label}.

    Used to score peers (a random split, a round-robin deal, an exact optimum) on the same scale.
    """
    encoding = encode(people, spec)
    labels: dict[object, int] = {}
    circle_of = np.array(
        [labels.setdefault(assignment[p.id], len(labels)) for p in people], dtype=np.int64
    )
    attribute_scores = scores(encoding, circle_of, spec)
    return overall(attribute_scores), attribute_scores


def objective(encoding: Encoding, circle_of: np.ndarray) -> float:
    """Return F, the part of the quality that depends on the split (see the module docstring)."""
    k = int(circle_of.max()) + 1
    sizes = np.bincount(circle_of, minlength=k).astype(np.float64)
    counts = np.zeros((k, encoding.columns))
    for a in range(encoding.codes.shape[1]):
        np.add.at(counts, (circle_of, encoding.codes[:, a]), 1.0)
    occupied = sizes > 0
    return float(np.sum((counts[occupied] ** 2) @ encoding.coef / sizes[occupied]))
