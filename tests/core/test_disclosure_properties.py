"""Property tests that try to break disclosure control across random cohorts and filters
(hypothesis; the example budget is set in tests/conftest.py)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from allied.core.disclosure import (
    SUPPRESSED,
    breakdown_suppression,
    disclose_breakdown,
    disclose_cells,
    suppressed_cells,
)

# Skewed, so that small groups turn up often.
ATTRIBUTES = {
    "band": ("5", "6", "6", "7", "7", "7", "8"),
    "gender": ("woman", "woman", "woman", "man", "man", "non-binary"),
    "ethnicity": ("White",) * 5 + ("Black", "Asian", "Mixed", "Other"),
    "cohort": ("2023", "2024"),
}


def is_small(count: int) -> bool:
    return 1 <= count <= 7


@st.composite
def cohorts(draw, most: int = 60):
    """Return people as dicts of attributes, each with a unique id."""
    n = draw(st.integers(0, most))
    return [
        {"id": f"p{i}", **{a: draw(st.sampled_from(values)) for a, values in ATTRIBUTES.items()}}
        for i in range(n)
    ]


@st.composite
def filters(draw):
    """Return a filter: for a few attributes, the values it keeps."""
    chosen = draw(st.lists(st.sampled_from(sorted(ATTRIBUTES)), max_size=2, unique=True))
    return {
        a: frozenset(draw(st.lists(st.sampled_from(ATTRIBUTES[a]), min_size=1, unique=True)))
        for a in chosen
    }


@st.composite
def pages(draw, most_people: int = 60, most_filters: int = 3, breakdowns: bool = True):
    """Return the cells of one page: the unfiltered view and a few filtered ones, each with its
    total and, optionally, a breakdown by one attribute (empty groups included)."""
    cohort = draw(cohorts(most_people))
    views = [{}, *draw(st.lists(filters(), max_size=most_filters))]
    cells: dict[str, frozenset[str]] = {}
    for i, kept in enumerate(views):
        view = [p for p in cohort if all(p[a] in values for a, values in kept.items())]
        cells[f"f{i}"] = frozenset(p["id"] for p in view)
        if breakdowns and draw(st.booleans()):
            dimension = draw(st.sampled_from(sorted(ATTRIBUTES)))
            for value in sorted(set(ATTRIBUTES[dimension])):
                cells[f"f{i}:{dimension}={value}"] = frozenset(
                    p["id"] for p in view if p[dimension] == value
                )
    return cells


small_or_any = st.one_of(st.integers(0, 9), st.integers(0, 60))
breakdowns = st.dictionaries(st.sampled_from("abcdefghij"), small_or_any, max_size=8)


def published(shown: dict[str, str]) -> dict[str, int]:
    return {key: int(value) for key, value in shown.items() if value != SUPPRESSED}


@given(pages())
def test_no_published_cell_is_one_to_seven_and_every_one_is_rounded_truth(cells):
    for key, value in published(disclose_cells(cells)).items():
        truth = len(cells[key])
        assert not is_small(value)
        assert value % 5 == 0
        assert abs(value - truth) <= 2


@given(pages())
def test_no_two_published_nested_cells_differ_by_a_small_group(cells):
    shown = sorted(published(disclose_cells(cells)))
    for a, b in itertools.permutations(shown, 2):
        if cells[b] <= cells[a]:
            assert not is_small(len(cells[a] - cells[b])), (a, b)


@given(pages(most_filters=2))
def test_no_small_group_can_be_worked_out_by_adding_and_subtracting_published_cells(cells):
    """The attacker knows the exact sizes of the published cells (better than the rounded
    ones) and which people each cell could hold; any set of 1 to 7 people made of whole atoms
    of all the cells, whose size is a linear combination of published sizes, is a leak."""
    shown = sorted(published(disclose_cells(cells)))
    keys = sorted(cells)
    signature: dict[str, tuple[bool, ...]] = {}
    for person in set().union(*cells.values()):
        signature[person] = tuple(person in cells[k] for k in keys)
    atoms: dict[tuple[bool, ...], int] = {}
    for sig in signature.values():
        atoms[sig] = atoms.get(sig, 0) + 1
    order = sorted(atoms)
    published_rows = np.array(
        [[float(sig[keys.index(k)]) for sig in order] for k in shown] or [[0.0] * len(order)]
    )
    rank = np.linalg.matrix_rank(published_rows) if order else 0
    small_atoms = [i for i, sig in enumerate(order) if atoms[sig] <= 7]
    for r in range(1, 8):
        for chosen in itertools.combinations(small_atoms, r):
            if not is_small(sum(atoms[order[i]] for i in chosen)):
                continue
            wanted = np.zeros(len(order))
            wanted[list(chosen)] = 1.0
            assert np.linalg.matrix_rank(np.vstack([published_rows, wanted])) > rank


@given(pages(), st.randoms(use_true_random=False))
def test_cells_are_decided_by_their_contents_alone(cells, random):
    reordered_keys = list(cells)
    random.shuffle(reordered_keys)
    reordered = {k: random.sample(sorted(cells[k]), len(cells[k])) for k in reordered_keys}
    assert disclose_cells(reordered) == disclose_cells(cells)
    assert suppressed_cells(reordered) == suppressed_cells(cells)


@given(breakdowns)
def test_a_breakdown_publishes_only_rounded_truth_and_nothing_one_to_seven(counts):
    shown = disclose_breakdown(counts)
    truth = {**counts, "total": sum(counts.values())}
    for key, value in published(shown).items():
        assert not is_small(value)
        assert value % 5 == 0
        assert abs(value - truth[key]) <= 2


@given(breakdowns)
def test_the_total_less_the_shown_groups_never_reveals_a_small_group(counts):
    hidden, total_hidden = breakdown_suppression(counts)
    if not total_hidden:
        remainder = sum(counts[g] for g in hidden)
        assert remainder == 0 or (remainder >= 8 and remainder > len(hidden))
        assert len(hidden) != 1


@given(breakdowns, st.randoms(use_true_random=False))
def test_a_breakdown_is_decided_by_its_contents_alone(counts, random):
    items = list(counts.items())
    random.shuffle(items)
    assert disclose_breakdown(dict(items)) == disclose_breakdown(counts)


@given(breakdowns)
def test_a_breakdown_is_hidden_as_its_cells_would_be(counts):
    cells: dict[str, set[str]] = {"total": set()}
    start = 0
    for group, count in counts.items():
        cells[group] = {f"p{i}" for i in range(start, start + count)}
        cells["total"] |= cells[group]
        start += count
    assert disclose_breakdown(counts) == disclose_cells(cells)


def consistent_values(shown: str, most: int) -> range:
    """The true counts an attacker who knows the rules cannot rule out for one figure."""
    if shown == SUPPRESSED:
        return range(1, most + 1)
    value = int(shown)
    return range(0, 1) if value == 0 else range(max(8, value - 2), value + 3)


@given(st.dictionaries(st.sampled_from("abc"), small_or_any.filter(lambda n: n <= 20)))
def test_an_attacker_who_knows_the_rules_cannot_pin_down_a_hidden_figure(counts):
    """Try every table that the published one could have come from, and check that every
    hidden figure could have had at least two different values."""
    shown = disclose_breakdown(counts)
    groups = sorted(counts)
    totals = consistent_values(shown["total"], 7 if not groups else 20 * len(groups) + 2)
    most = max(totals)
    ranges = [consistent_values(shown[g], most) for g in groups]
    possible: dict[str, set[int]] = {key: set() for key in shown}
    for head in itertools.product(*ranges[:-1]):
        for total in totals:
            last = total - sum(head)
            candidate = dict(zip(groups, (*head, last), strict=True)) if groups else {}
            if groups and last not in ranges[-1]:
                continue
            if disclose_breakdown(candidate) == shown:
                for key, value in {**candidate, "total": total}.items():
                    possible[key].add(value)
    assert possible["total"], "the true table must be among those tried"
    for key, value in shown.items():
        if value == SUPPRESSED:
            assert len(possible[key]) >= 2, (key, possible[key])
