"""Worked examples of the NGT tally, each checked by hand in the comment above its assertions."""

from __future__ import annotations

import math

import pytest

from allied.core.ngt import (
    ApprovalScheme,
    Ballot,
    BallotError,
    Choice,
    PointsScheme,
    Question,
    RatingScheme,
    full_rank,
    preset,
    tally,
    top_k,
)


def ranked(participant: str, order: str, **kwargs) -> Ballot:
    """Return a ranked ballot: 'ABC' means A first, B second, C third."""
    choices = tuple(Choice(idea, float(r)) for r, idea in enumerate(order, start=1))
    return Ballot(participant, choices, **kwargs)


def marked(participant: str, marks: dict[str, float], **kwargs) -> Ballot:
    """Return a ballot of points or ratings such as {'A': 6, 'B': 4}."""
    return Ballot(participant, tuple(Choice(i, float(v)) for i, v in marks.items()), **kwargs)


def question(ideas: str, text: str | None = None, themes: str | None = None) -> Question:
    """Return a question whose ideas are single letters; themes aligned, '-' for none."""
    aligned = tuple(None if t == "-" else t for t in themes) if themes else ()
    return Question(text, tuple(ideas), aligned)


# Four voters rank their top three of five ideas (k = 3, so 3, 2, 1 points):
#   v1: A B C   → A 3, B 2, C 1
#   v2: B A D   → B 3, A 2, D 1
#   v3: A C B   → A 3, C 2, B 1
#   v4: C A B   → C 3, A 2, B 1
FOUR_VOTERS = [ranked("v1", "ABC"), ranked("v2", "BAD"), ranked("v3", "ACB"), ranked("v4", "CAB")]


def _by_idea(result):
    return {i.idea: i for i in result.questions[0].ideas}


def test_a_worked_top_k_example_matches_the_hand_calculation():
    result = tally(FOUR_VOTERS, [question("ABCDE")], top_k(3))
    ideas = _by_idea(result)
    # Totals: A 3+2+3+2 = 10, B 2+3+1+1 = 7, C 1+2+3 = 6, D 1, E 0 (sum 24 = m·k(k+1)/2 = 4·6).
    assert [ideas[i].total for i in "ABCDE"] == [10, 7, 6, 1, 0]
    assert [ideas[i].voters for i in "ABCDE"] == [4, 4, 3, 1, 0]
    # Mean over all four voters; mean among voters: C 6/3 = 2, D 1/1 = 1.
    assert ideas["A"].mean == 2.5 and ideas["C"].mean == 1.5
    assert ideas["C"].mean_among_voters == 2 and ideas["E"].mean_among_voters is None
    # % of maximum: the most an idea can get is m·k = 12, so A is 10/12 = 83.3%.
    assert ideas["A"].pct_of_max == pytest.approx(100 * 10 / 12)
    # Share of all 24 points given: B 7/24 = 29.2%.
    assert ideas["B"].share_of_points == pytest.approx(100 * 7 / 24)
    assert [ideas[i].first_places for i in "ABCDE"] == [2, 1, 1, 0, 0]
    assert [ideas[i].top3 for i in "ABCDE"] == [4, 4, 3, 1, 0]
    assert [i.idea for i in result.questions[0].ideas] == list("ABCDE")
    assert [i.rank for i in result.questions[0].ideas] == [1, 2, 3, 4, 5]


def test_kendalls_w_with_the_tie_correction_matches_the_hand_calculation():
    result = tally(FOUR_VOTERS, [question("ABCDE")], top_k(3))
    agreement = result.questions[0].agreement
    # Unranked ideas share the mid-rank (k + 1 + n)/2 = (3 + 1 + 5)/2 = 4.5, so each voter has one
    # tie of t = 2 ideas: T_j = 2³ − 2 = 6, Σ T_j = 24.
    # Rank sums: A 1+2+1+2 = 6, B 2+1+3+3 = 9, C 3+4.5+2+1 = 10.5, D 4.5+3+4.5+4.5 = 16.5, E 18.
    # Mean rank sum m(n+1)/2 = 12, so S = 36 + 9 + 2.25 + 20.25 + 36 = 103.5.
    # W = 12·103.5 / (4²(5³ − 5) − 4·24) = 1242 / 1824 = 0.68092.
    assert agreement.kendall_w == pytest.approx(1242 / 1824)
    # χ² = m(n − 1)W = 16 · 0.68092 = 10.895 on 4 degrees of freedom.
    assert agreement.chi2 == pytest.approx(16 * 1242 / 1824)
    assert agreement.df == 4
    # p = upper tail of χ²(4): exp(−x/2)(1 + x/2) for 4 degrees of freedom.
    x = 16 * 1242 / 1824
    assert agreement.p_value == pytest.approx(math.exp(-x / 2) * (1 + x / 2))


def test_the_p_value_is_the_one_scipy_stats_gives():
    from scipy.stats import chi2

    agreement = tally(FOUR_VOTERS, [question("ABCDE")], top_k(3)).questions[0].agreement
    assert agreement.p_value == pytest.approx(chi2.sf(agreement.chi2, agreement.df), rel=1e-12)


def test_ideas_nobody_chose_appear_with_zeros():
    result = tally([ranked("v1", "AB")], [question("ABCD")], top_k(2))
    ideas = _by_idea(result)
    assert set(ideas) == {"A", "B", "C", "D"}
    assert (
        ideas["C"].total,
        ideas["C"].voters,
        ideas["C"].first_places,
        ideas["C"].pct_of_max,
    ) == (0, 0, 0, 0)
    # C and D are level on every key, so they share rank 3 and nothing is ranked 4.
    assert ideas["C"].rank == ideas["D"].rank == 3


# Six voters, k = 2 (2 points first, 1 second):
#   v1: A → A 2          v2: A → A 2
#   v3: B C → B 2, C 1   v4: C B → C 2, B 1
#   v5: D B → D 2, B 1   v6: D C → D 2, C 1
# A: total 4, voters 2, firsts 2;  B: 4, 3, 1;  C: 4, 3, 1;  D: 4, 2, 2;  E: 0.
TIED = [
    ranked("v1", "A"),
    ranked("v2", "A"),
    ranked("v3", "BC"),
    ranked("v4", "CB"),
    ranked("v5", "DB"),
    ranked("v6", "DC"),
]


def test_the_default_tie_break_is_total_then_voters_then_first_places_with_competition_ranks():
    result = tally(TIED, [question("ABCDE")], top_k(2))
    ranks = {i.idea: i.rank for i in result.questions[0].ideas}
    # All total 4; B and C have 3 voters, A and D 2; then first places are level: 1, 1, 3, 3, 5.
    assert ranks == {"B": 1, "C": 1, "A": 3, "D": 3, "E": 5}
    assert result.tie_break == ("total", "voters", "first_places")


def test_a_configured_tie_break_chain_is_applied_and_recorded():
    result = tally(
        TIED, [question("ABCDE")], top_k(2), tie_break=["total", "first_places", "voters"]
    )
    ranks = {i.idea: i.rank for i in result.questions[0].ideas}
    # First places come before voters now: A and D (2 each) lead, B and C follow.
    assert ranks == {"A": 1, "D": 1, "B": 3, "C": 3, "E": 5}
    assert result.tie_break == ("total", "first_places", "voters")
    only_total = tally(TIED, [question("ABCDE")], top_k(2), tie_break=["total"])
    assert [i.rank for i in only_total.questions[0].ideas] == [1, 1, 1, 1, 5]


def test_full_rank_reports_rank_sums_mean_ranks_and_w_without_ties():
    ballots = [ranked("v1", "ABC"), ranked("v2", "ACB"), ranked("v3", "BAC")]
    result = tally(ballots, [question("ABC")], full_rank())
    ideas = _by_idea(result)
    # Points n − r + 1 = 3, 2, 1: A 3+3+2 = 8, B 2+1+3 = 6, C 1+2+1 = 4.
    assert [ideas[i].total for i in "ABC"] == [8, 6, 4]
    # Rank sums A 1+1+2 = 4, B 2+3+1 = 6, C 3+2+3 = 8.
    assert [ideas[i].rank_sum for i in "ABC"] == [4, 6, 8]
    assert ideas["A"].mean_rank == pytest.approx(4 / 3)
    # S = (4−6)² + 0 + (8−6)² = 8; W = 12·8 / (9·24) = 0.4444; χ² = 3·2·W = 2.667; p = e^(−χ²/2).
    agreement = result.questions[0].agreement
    assert agreement.kendall_w == pytest.approx(96 / 216)
    assert agreement.p_value == pytest.approx(math.exp(-3 * 2 * (96 / 216) / 2))


def test_full_rank_w_is_one_when_every_voter_gives_the_same_order():
    ballots = [ranked(f"v{j}", "ABCD") for j in range(5)]
    assert tally(ballots, [question("ABCD")], full_rank()).questions[0].agreement.kendall_w == 1.0


def test_points_are_summed_and_a_voters_highest_allocation_counts_as_a_first_place():
    ballots = [
        marked("v1", {"A": 6, "B": 4}),
        marked("v2", {"A": 10}),
        marked("v3", {"B": 5, "C": 5}),
    ]
    ideas = _by_idea(tally(ballots, [question("ABCD")], PointsScheme(pool=10)))
    # A 6+10 = 16, B 4+5 = 9, C 5; the maximum is m·P = 30, so A is 53.3%.
    assert [ideas[i].total for i in "ABCD"] == [16, 9, 5, 0]
    assert ideas["A"].pct_of_max == pytest.approx(100 * 16 / 30)
    # v3 splits evenly: B and C are both its first place.
    assert [ideas[i].first_places for i in "ABC"] == [2, 1, 1]


def test_rating_reports_median_linear_iqr_bands_and_the_agreement_rule():
    ratings = {"A": [7, 8, 9, 9, 3], "B": [7, 7, 8, 9, 5], "C": [1, 2, 3, 4, 9]}
    ballots = [marked(f"v{j}", {i: r[j] for i, r in ratings.items()}) for j in range(5)]
    ideas = _by_idea(tally(ballots, [question("ABC")], RatingScheme(1, 9)))
    # A sorted 3 7 8 9 9: median 8; Q1 at position 0.25·4 = 1 → 7; Q3 at 3 → 9; IQR 2; mean 7.2.
    assert (ideas["A"].median, ideas["A"].q1, ideas["A"].q3, ideas["A"].iqr) == (8, 7, 9, 2)
    assert ideas["A"].mean == pytest.approx(7.2)
    # A: 4 of 5 rate 7–9 (80%) but 1 of 5 rates 1–3 (20%, not under 15%): no agreement.
    assert (ideas["A"].top_band, ideas["A"].bottom_band, ideas["A"].agreed) == (80, 20, False)
    # B: 80% in 7–9 and none in 1–3: agreement.
    assert (ideas["B"].top_band, ideas["B"].bottom_band, ideas["B"].agreed) == (80, 0, True)
    # C sorted 1 2 3 4 9: Q1 at 1 → 2, Q3 at 3 → 4.
    assert (ideas["C"].median, ideas["C"].iqr) == (3, 2)
    # Default order for ratings is the median, then the mean: A (8), B (7), C (3).
    assert [ideas[i].rank for i in "ABC"] == [1, 2, 3]


def test_rating_quartiles_interpolate_between_ratings():
    ballots = [marked(f"v{r}", {"A": r}) for r in (1, 2, 3, 4)]
    idea = _by_idea(tally(ballots, [question("A")], RatingScheme(1, 9)))["A"]
    # Positions 0.75 and 2.25 of 1 2 3 4: Q1 = 1.75, Q3 = 3.25, IQR 1.5.
    assert (idea.q1, idea.q3, idea.iqr) == (1.75, 3.25, 1.5)


def test_approval_counts_each_approval_once():
    ballots = [
        Ballot("v1", (Choice("A"), Choice("B"))),
        Ballot("v2", (Choice("A"),)),
        Ballot("v3", (Choice("C"),)),
    ]
    ideas = _by_idea(tally(ballots, [question("ABCD")], ApprovalScheme()))
    assert [ideas[i].total for i in "ABCD"] == [2, 1, 1, 0]
    assert ideas["A"].pct_of_max == pytest.approx(100 * 2 / 3)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Four ideas, the voter ranks A then B.  whole-list: n − r + 1 = 4, 3.
        ("whole-list", {"A": 4, "B": 3}),
        # n − r + 2 = 5, 4 (the last place would still earn 2).
        ("whole-list-plus-one", {"A": 5, "B": 4}),
        # c − r + 1 with c = 2 ideas ranked: 2, 1.
        ("ballot-length", {"A": 2, "B": 1}),
    ],
)
def test_presets_reproduce_the_scoring_of_common_tools(name, expected):
    ideas = _by_idea(tally([ranked("v1", "AB")], [question("ABCD")], preset(name)))
    assert {i: ideas[i].total for i in expected} == expected


def test_the_borda_preset_gives_the_last_place_nothing():
    ideas = _by_idea(tally([ranked("v1", "ABCD")], [question("ABCD")], preset("borda")))
    assert [ideas[i].total for i in "ABCD"] == [3, 2, 1, 0]
    assert ideas["D"].voters == 0


def test_a_themes_total_sums_its_ideas_and_counts_each_voter_once():
    result = tally(FOUR_VOTERS, [question("ABCDE", themes="XXYY-")], top_k(3))
    themes = {t.theme: t for t in result.questions[0].themes}
    # X = A + B = 10 + 7 = 17; every voter gave A or B points, so 4 voters, not 8.
    assert (themes["X"].total, themes["X"].voters) == (17, 4)
    # Y = C + D = 6 + 1 = 7; C from v1, v3, v4 and D from v2: 4 distinct voters.
    assert (themes["Y"].total, themes["Y"].voters) == (7, 4)
    # First places in X: v1 (A), v2 (B), v3 (A) = 3; in Y: v4 (C) = 1.
    assert (themes["X"].first_places, themes["Y"].first_places) == (3, 1)
    # A voter can give a two-idea theme at most 3 + 2 = 5, so X is 17 / (4·5) = 85%.
    assert themes["X"].pct_of_max == pytest.approx(85.0)
    assert (themes["X"].rank, themes["Y"].rank) == (1, 2)
    assert [t.theme for t in result.questions[0].themes] == ["X", "Y"]


def test_each_round_is_tallied_and_the_rank_change_shown():
    first = [ranked("v1", "AB", round=1), ranked("v2", "AC", round=1)]
    final = [ranked("v1", "CA", round=2), ranked("v2", "CB", round=2)]
    result = tally(first + final, [question("ABC")], top_k(2))
    assert [r.round for r in result.questions] == [1, 2]
    one, two = (_by_idea(type("R", (), {"questions": [q]})) for q in result.questions)
    # Round 1: A 4, B 1, C 1 → A 1st, B and C share 2nd. Round 2: C 4, A 1, B 1 → C 1st.
    assert (one["A"].rank, one["C"].rank) == (1, 2)
    assert one["A"].rank_change is None
    # C moved from 2 to 1 (+1); A fell from 1 to 2 (−1).
    assert (two["C"].rank_change, two["A"].rank_change) == (1, -1)


def test_pooled_groups_are_normalised_by_group_size():
    group_one = [ranked(f"a{j}", "A", group="one") for j in range(2)]
    group_two = [ranked("b0", "A", group="two")] + [
        ranked(f"b{j}", "B", group="two") for j in (1, 2, 3)
    ]
    result = tally(group_one + group_two, [question("AB")], top_k(1))
    assert [r.group for r in result.questions] == ["one", "two", "pooled"]
    pooled = _by_idea(type("R", (), {"questions": [result.questions[2]]}))
    # Raw totals tie at 3 each, but A has 100% of group one's maximum and 25% of group two's,
    # so pooled A = (100 + 25)/2 = 62.5% and B = (0 + 75)/2 = 37.5%.
    assert (pooled["A"].total, pooled["B"].total) == (3, 3)
    assert pooled["A"].pct_of_max == pytest.approx(62.5)
    assert pooled["B"].pct_of_max == pytest.approx(37.5)
    # Weights M/(G·m_g): 6/(2·2) = 1.5 for group one, 6/(2·4) = 0.75 for group two; A = 3 + 0.75.
    assert pooled["A"].normalised_total == pytest.approx(3.75)
    assert (pooled["A"].rank, pooled["B"].rank) == (1, 2)
    assert result.questions[2].voters == 6


def test_w_is_undefined_with_a_single_voter():
    agreement = tally([ranked("v1", "AB")], [question("ABC")], top_k(2)).questions[0].agreement
    assert agreement.kendall_w is None and agreement.p_value is None


def test_tally_refuses_invalid_ballots():
    with pytest.raises(BallotError) as caught:
        tally([ranked("v1", "ABCDEF")], [question("ABCDEF")], top_k(5))
    assert "at most 5" in str(caught.value)
