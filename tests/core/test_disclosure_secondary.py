"""Secondary suppression on small hand-made tables (the properties are in
test_disclosure_properties.py)."""

from __future__ import annotations

import pytest

from allied.core.disclosure import (
    breakdown_suppression,
    disclose_breakdown,
    disclose_cells,
    suppressed_cells,
)


def people(start: int, stop: int) -> set[str]:
    return {f"p{i}" for i in range(start, stop)}


def test_a_hidden_group_takes_the_next_smallest_with_it():
    # 55 - 40 - 12 would give away the 3; hiding the 12 as well leaves 15 unaccounted for.
    assert disclose_breakdown({"a": 12, "b": 3, "c": 40}) == {
        "a": "*",
        "b": "*",
        "c": "40",
        "total": "55",
    }


def test_two_small_groups_that_add_up_to_eight_hide_nothing_more():
    assert disclose_breakdown({"a": 5, "b": 3, "c": 40}) == {
        "a": "*",
        "b": "*",
        "c": "40",
        "total": "50",
    }


def test_two_small_groups_under_eight_take_a_third_with_them():
    assert breakdown_suppression({"a": 2, "b": 3, "c": 9, "d": 40}) == (
        frozenset({"a", "b", "c"}),
        False,
    )


def test_a_breakdown_with_nothing_small_is_shown_in_full():
    assert disclose_breakdown({"a": 8, "b": 0, "c": 23}) == {
        "a": "10",
        "b": "0",
        "c": "25",
        "total": "30",
    }


def test_empty_groups_are_shown_as_zero_and_never_hidden_to_cover_another():
    assert disclose_breakdown({"a": 3, "b": 0, "c": 40}) == {
        "a": "*",
        "b": "0",
        "c": "*",
        "total": "45",
    }


def test_a_small_total_hides_every_group_that_has_anyone_in_it():
    assert disclose_breakdown({"a": 3, "b": 0, "c": 2}) == {
        "a": "*",
        "b": "0",
        "c": "*",
        "total": "*",
    }


def test_eight_groups_of_one_hide_the_total_when_nothing_else_can_cover_them():
    # Each "*" is at least 1, so a total of exactly 8 over eight hidden groups would say 1 each.
    counts = {f"g{i}": 1 for i in range(8)}
    assert breakdown_suppression(counts) == (frozenset(counts), True)
    counts["big"] = 50
    assert breakdown_suppression(counts) == (frozenset(counts), False)


def test_an_empty_breakdown_shows_a_zero_total():
    assert disclose_breakdown({}) == {"total": "0"}
    assert disclose_breakdown({"a": 0}, total_key="all") == {"a": "0", "all": "0"}


def test_a_breakdown_refuses_negative_counts_and_a_group_named_like_the_total():
    with pytest.raises(ValueError):
        disclose_breakdown({"a": -1})
    with pytest.raises(ValueError):
        disclose_breakdown({"total": 10})


def test_a_filter_that_leaves_out_a_few_people_is_hidden_not_the_whole():
    # "All mentees" less "mentees not in band 5" would be the three band 5 mentees.
    assert disclose_cells({"all": people(0, 40), "not band 5": people(0, 37)}) == {
        "all": "40",
        "not band 5": "*",
    }


def test_a_filter_that_leaves_out_eight_or_more_is_shown():
    assert disclose_cells({"all": people(0, 40), "not band 5": people(0, 32)}) == {
        "all": "40",
        "not band 5": "30",
    }


def test_cells_hide_a_breakdown_as_the_breakdown_rule_does():
    cells = {
        "total": people(0, 55),
        "a": people(0, 12),
        "b": people(12, 15),
        "c": people(15, 55),
    }
    assert disclose_cells(cells) == {"total": "55", "a": "*", "b": "*", "c": "40"}


def test_three_filters_cannot_be_combined_to_reveal_a_small_group():
    # No two of these differ by fewer than 8, but all - women - men = 3 non-binary people.
    cells = {"all": people(0, 43), "women": people(0, 20), "men": people(20, 40)}
    # Either of the two equal groups would do; ties go by key.
    assert suppressed_cells(cells) == {"men"}


def test_duplicate_and_empty_cells_are_shown():
    cells = {"all": people(0, 20), "same": people(0, 20), "none": set()}
    assert disclose_cells(cells) == {"all": "20", "same": "20", "none": "0"}


def test_a_small_cell_is_hidden_even_alone():
    assert disclose_cells({"few": people(0, 7)}) == {"few": "*"}
