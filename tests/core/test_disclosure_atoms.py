"""Suppression from counts by the set of cells (`disclose_atoms`), as a report that counts in
the database uses it, against suppression from the people themselves (`disclose_cells`)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allied.core.disclosure import (
    atoms_of,
    disclose_atoms,
    disclose_cells,
    suppressed_atoms,
    suppressed_cells,
)
from tests.core.test_disclosure_properties import ATTRIBUTES, cohorts, filters


def cells_of_person(person: dict, views: list[dict]) -> set[str]:
    """The figures one person is counted in: each view's total and its band breakdown."""
    keys = set()
    for i, kept in enumerate(views):
        if all(person[a] in values for a, values in kept.items()):
            keys |= {f"{i}|total", f"{i}|band={person['band']}"}
    return keys


@given(cohorts(80), st.lists(filters(), max_size=3))
def test_counting_by_group_in_the_database_hides_what_listing_the_people_hides(people, extra):
    views = [{}, *extra]
    names = [f"{i}|total" for i in range(len(views))] + [
        f"{i}|band={band}" for i in range(len(views)) for band in set(ATTRIBUTES["band"])
    ]
    cells = {name: set() for name in names}
    for person in people:
        for key in cells_of_person(person, views):
            cells[key].add(person["id"])
    # What a GROUP BY over the attributes returns: a count per combination of values.
    grouped = Counter(tuple(sorted((a, p[a]) for a in ATTRIBUTES)) for p in people)
    atoms: Counter = Counter()
    for combination, count in grouped.items():
        atoms[frozenset(cells_of_person(dict(combination), views))] += count
    atoms.pop(frozenset(), None)
    assert disclose_atoms(names, atoms) == disclose_cells(cells)
    assert suppressed_atoms(names, atoms) == suppressed_cells(cells)


def test_atoms_count_each_person_once_by_the_exact_cells_they_are_in():
    cells = {"all": {"a", "b", "c"}, "band 5": {"a", "b"}, "band 6": {"c"}}
    assert atoms_of(cells) == {frozenset({"all", "band 5"}): 2, frozenset({"all", "band 6"}): 1}


def test_an_atom_naming_an_unpublished_cell_is_refused():
    with pytest.raises(ValueError, match="not published"):
        disclose_atoms(["all"], {frozenset({"all", "secret"}): 9})


def test_a_negative_atom_is_refused():
    with pytest.raises(ValueError, match="negative"):
        suppressed_atoms(["all"], {frozenset({"all"}): -1})


def test_a_cell_nobody_is_in_shows_zero_and_a_small_one_is_hidden():
    shown = disclose_atoms(
        ["all", "empty", "few"], {frozenset({"all"}): 40, frozenset({"all", "few"}): 3}
    )
    assert shown == {"all": "45", "empty": "0", "few": "*"}
