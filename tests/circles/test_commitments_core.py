"""The clash detector (`allied.core.commitments`): overlaps, near clashes within the travel
buffer, and the edge cases (touching intervals, time zones, naive times)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allied.core.commitments import (
    NEAR,
    OVERLAP,
    Commitment,
    clashes,
    clashes_between,
    describe,
)

NINE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def c(key, start, minutes=60, *, in_person=False, kind="circle"):
    return Commitment(
        kind=kind,
        key=key,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        title=str(key),
        in_person=in_person,
    )


def test_overlapping_intervals_clash():
    a, b = c("a", NINE), c("b", NINE + timedelta(minutes=30))
    [clash] = clashes([b, a])
    assert (clash.first, clash.second, clash.kind) == (a, b, OVERLAP)
    assert clash.gap == timedelta(minutes=-30)


def test_one_inside_another_clashes():
    outer, inner = c("outer", NINE, 180), c("inner", NINE + timedelta(minutes=60), 30)
    assert [x.kind for x in clashes([outer, inner])] == [OVERLAP]


def test_touching_intervals_are_not_clashes_online():
    a, b = c("a", NINE), c("b", NINE + timedelta(minutes=60))
    assert clashes([a, b]) == []


def test_touching_intervals_are_not_overlaps_but_near_when_one_is_in_person():
    a, b = c("a", NINE), c("b", NINE + timedelta(minutes=60), in_person=True)
    [clash] = clashes([a, b])
    assert clash.kind == NEAR and clash.gap == timedelta(0)
    assert clashes([a, b], buffer=timedelta(0)) == []


def test_a_gap_shorter_than_the_buffer_is_a_near_clash_and_a_gap_equal_to_it_is_not():
    a = c("a", NINE, in_person=True)
    assert [x.kind for x in clashes([a, c("b", NINE + timedelta(minutes=80))])] == [NEAR]
    assert clashes([a, c("b", NINE + timedelta(minutes=90))]) == []
    sentence = describe(clashes([a, c("b", NINE + timedelta(minutes=61))])[0])
    assert "Only 1 minute between" in sentence


def test_time_zones_are_compared_as_instants():
    london_summer = timezone(timedelta(hours=1))
    a = c("a", datetime(2026, 6, 1, 10, 0, tzinfo=london_summer))  # 09:00 UTC
    b = c("b", datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    assert [x.kind for x in clashes([a, b])] == [OVERLAP]
    later = c("later", datetime(2026, 6, 1, 11, 0, tzinfo=london_summer))  # 10:00 UTC
    assert clashes([a, later]) == []


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        Commitment("circle", 1, datetime(2026, 6, 1, 9), datetime(2026, 6, 1, 10))
    with pytest.raises(ValueError):
        c("a", NINE, -5)
    with pytest.raises(ValueError):
        clashes([], buffer=timedelta(minutes=-1))


def test_nothing_and_one_commitment_have_no_clashes():
    assert clashes([]) == []
    assert clashes([c("a", NINE)]) == []


def test_clashes_between_ignores_clashes_within_one_side():
    new = c("new", NINE)
    mine = [c("m1", NINE + timedelta(minutes=10), kind="meeting")]
    others = [c("o1", NINE + timedelta(minutes=5)), c("o2", NINE + timedelta(minutes=20))]
    found = clashes_between([new], mine)
    assert len(found) == 1 and found[0].involves(new)
    assert clashes_between(mine, others) != []
    assert clashes_between([], others) == []


starts = st.integers(min_value=0, max_value=24 * 60)
lengths = st.integers(min_value=0, max_value=240)


@given(st.lists(st.tuples(starts, lengths, st.booleans()), max_size=12))
def test_every_pair_found_is_a_real_clash_and_every_real_overlap_is_found(raw):
    items = [c(i, NINE + timedelta(minutes=s), n, in_person=p) for i, (s, n, p) in enumerate(raw)]
    found = {(x.first.key, x.second.key): x.kind for x in clashes(items)}
    for a in items:
        for b in items:
            if a.key >= b.key:
                continue
            overlap = a.starts_at < b.ends_at and b.starts_at < a.ends_at
            pair = found.get((a.key, b.key)) or found.get((b.key, a.key))
            if overlap:
                assert pair == OVERLAP
            elif pair is not None:
                assert pair == NEAR and (a.in_person or b.in_person)
