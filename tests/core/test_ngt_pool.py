"""Pooling one question across groups that voted on different ballots."""

from hypothesis import given
from hypothesis import strategies as st

from allied.core.ngt import Ballot, Choice, Question, pool_groups, tally, top_k


def group_result(votes, themes):
    """Returns a group's result: `votes` are lists of idea names in rank order (top-3)."""
    ideas = tuple(dict.fromkeys(name for ballot in votes for name in ballot))
    ballots = [
        Ballot(f"p{i}", tuple(Choice(n, r) for r, n in enumerate(b, start=1)), question="Q")
        for i, b in enumerate(votes)
    ]
    return tally(
        ballots, [Question("Q", ideas, tuple(themes.get(i) for i in ideas))], top_k(3)
    ).questions[0]


def test_every_group_counts_equally_whatever_its_size():
    themes = {
        "Trust": "Relationship",
        "Time": "Relationship",
        "Sponsor": "Sponsorship",
        "Doors": "Sponsorship",
    }
    big = group_result(
        [["Trust", "Sponsor"], ["Trust", "Time"], ["Sponsor", "Trust"], ["Trust"]], themes
    )
    small = group_result([["Doors", "Time"], ["Doors"]], themes)
    pooled = pool_groups([("A", big), ("B", small)])
    lines = {line.name: line for line in pooled.themes}
    # Sponsorship: group A gave "Sponsor" 2 + 3 = 5 of 12 points (41.7%); group B gave
    # "Doors" 3 + 3 = 6 of 6 (100%); the mean over the two groups is 70.8%.
    assert lines["Sponsorship"].pct_of_max == 70.8 and lines["Sponsorship"].rank == 1
    ideas = {line.name: line for line in pooled.ideas}
    # "Doors" came up only in group B: (100 + 0) / 2 = 50%. "Trust" only in A: 11 of 12 → 45.8%.
    assert ideas["Doors"].pct_of_max == 50.0 and ideas["Trust"].pct_of_max == 45.8
    assert ideas["Doors"].groups == 1 and pooled.voters == 6


@given(st.lists(st.permutations(["A", "B", "C", "D"]).map(lambda p: p[:3]), min_size=1, max_size=6))
def test_one_group_pooled_keeps_its_own_order(votes):
    result = group_result(votes, {})
    pooled = {line.name: line for line in pool_groups([("only", result)]).ideas}
    # One group: the pooled score is the group's own % of maximum, so the order cannot change;
    # only the engine's last tie-break (first places) may be missing from the pool.
    for a in result.ideas:
        assert pooled[a.idea].pct_of_max == round(a.pct_of_max, 1)
        for b in result.ideas:
            if a.rank < b.rank:
                assert pooled[a.idea].rank <= pooled[b.idea].rank
