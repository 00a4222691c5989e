"""The RAND/UCLA disagreement rules and the stability of a ranking between rounds, each checked
against a published worked example, a hand calculation or an independent implementation."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import kendalltau

from allied.core.ngt import (
    Ballot,
    BootstrapSettings,
    Choice,
    Question,
    RatingScheme,
    render,
    tally,
    to_dict,
    top_k,
)
from allied.core.ngt.stability import kendall_tau_b


def rated(ratings: list[int], idea: str = "A", round: int = 1) -> list[Ballot]:
    """Return one ballot per rating, each rating `idea` (participants p0, p1, …)."""
    return [Ballot(f"p{j}", (Choice(idea, float(r)),), round=round) for j, r in enumerate(ratings)]


def one_idea(ratings: list[int], scheme: RatingScheme | None = None):
    result = tally(rated(ratings), [Question(None, ("A",))], scheme or RatingScheme())
    return result.questions[0].idea("A")


def test_the_published_worked_example_is_reproduced():
    # BMJ Open 2012;2(5):e001431, Table 1: 15 panellists; five rate 7, five 8, two 9 and three
    # somewhere in 1–6. Published: median 7, P30 7, P70 8, IPR 1, IPRCP 7.5, AI 2.5,
    # IPRAS 6.1 (2.35 + 1.5 × 2.5), no disagreement; no more than four rate outside 7–9.
    idea = one_idea([4, 5, 6] + [7] * 5 + [8] * 5 + [9] * 2)
    assert idea.median == 7
    assert (idea.p30, idea.p70, idea.ipr, idea.iprcp) == (7, 8, 1, 7.5)
    assert idea.asymmetry_index == 2.5
    assert idea.ipras == pytest.approx(6.10)
    assert idea.disagreement is False
    assert idea.disagreement_index == pytest.approx(1 / 6.1)
    assert (idea.ratings_1_3, idea.ratings_7_9) == (0, 12)
    assert idea.panel_rule_agreement is True  # 3 outside 7–9, at most 4 allowed for 14–16
    assert idea.panel_rule_disagreement is False
    assert idea.appropriateness == "appropriate"


def test_where_the_three_low_ratings_fall_does_not_change_the_percentiles():
    # The source does not say which of 1–6 the three low ratings were.
    for low in ([1, 1, 1], [1, 3, 6], [6, 6, 6]):
        idea = one_idea(low + [7] * 5 + [8] * 5 + [9] * 2)
        assert (idea.p30, idea.p70, idea.ipras) == (7, 8, pytest.approx(6.1))


def test_a_split_panel_disagrees_by_both_rules():
    # 1, 1, 2, 3, 5, 7, 8, 9, 9: P30 = 2.4 (rank 3.4 between 2 and 3), P70 = 7.6 (rank 6.6
    # between 7 and 8), IPR 5.2, centre 5.0, AI 0, IPRAS 2.35 < 5.2: disagreement. Four rate
    # 1–3 and four 7–9, both at least three for a panel of nine.
    idea = one_idea([1, 1, 2, 3, 5, 7, 8, 9, 9])
    assert idea.p30 == pytest.approx(2.4)
    assert idea.p70 == pytest.approx(7.6)
    assert idea.ipr == pytest.approx(5.2)
    assert idea.asymmetry_index == pytest.approx(0.0)
    assert idea.ipras == pytest.approx(2.35)
    assert idea.disagreement is True
    assert idea.panel_rule_disagreement is True
    assert idea.panel_rule_agreement is False  # 8 of 9 outside 4–6
    assert idea.appropriateness == "uncertain"


def test_the_panel_size_rule_covers_eight_to_sixteen_raters_only():
    assert one_idea([8] * 7).panel_rule_agreement is None
    assert one_idea([8] * 7).panel_rule_disagreement is None
    assert one_idea([8] * 17).panel_rule_disagreement is None
    assert one_idea([8] * 8).panel_rule_agreement is True
    # IPRAS needs no panel size.
    assert one_idea([8] * 7).disagreement is False
    assert one_idea([8] * 7).appropriateness == "appropriate"


def test_the_panel_size_thresholds_step_at_eleven_and_fourteen():
    # Ten raters: disagreement from three in each extreme; eleven: from four.
    assert one_idea([1, 1, 1, 9, 9, 9, 5, 5, 5, 5]).panel_rule_disagreement is True
    assert one_idea([1, 1, 1, 9, 9, 9, 5, 5, 5, 5, 5]).panel_rule_disagreement is False
    assert one_idea([1] * 4 + [9] * 4 + [5] * 3).panel_rule_disagreement is True
    # Agreement: ten raters allow two outside the median's region, eleven allow three.
    assert one_idea([8] * 8 + [2, 2]).panel_rule_agreement is True
    assert one_idea([8] * 7 + [2, 2, 2]).panel_rule_agreement is False
    assert one_idea([8] * 8 + [2, 2, 2]).panel_rule_agreement is True


def test_a_median_between_regions_is_uncertain_and_holds_no_region():
    # Eight raters, median 6.5 (between 6 and 7).
    idea = one_idea([6, 6, 6, 6, 7, 7, 7, 7])
    assert idea.median == 6.5
    assert idea.panel_rule_agreement is None
    assert idea.appropriateness == "uncertain"


def test_a_low_median_without_disagreement_is_inappropriate():
    assert one_idea([1, 2, 2, 3, 3, 3, 4, 2, 1]).appropriateness == "inappropriate"


def test_other_scales_carry_no_rand_statistics():
    idea = one_idea([1, 5, 5, 4], RatingScheme(low=1, high=5))
    assert idea.ipras is None and idea.appropriateness is None
    result = tally(rated([1, 5, 5, 4]), [Question(None, ("A",))], RatingScheme(low=1, high=5))
    assert "ipras" not in to_dict(result)["questions"][0]["ideas"][0]


def test_an_idea_nobody_rated_has_no_verdict():
    ballots = rated([7, 8, 9])
    result = tally(ballots, [Question(None, ("A", "B"))], RatingScheme())
    b = result.questions[0].idea("B")
    assert b.disagreement is None and b.appropriateness is None and b.ipras is None
    assert b.panel_rule_disagreement is None and b.ratings_1_3 is None


@given(st.lists(st.integers(1, 9), min_size=1, max_size=30))
def test_ipras_matches_a_plain_reading_of_the_formula(ratings):
    idea = one_idea(ratings)
    s = sorted(ratings)

    def percentile(p: Fraction) -> Fraction:
        # Rank h = (N − 1)p + 1, interpolating between the neighbouring order statistics.
        h = (len(s) - 1) * p
        below = int(h)
        above = min(below + 1, len(s) - 1)
        return Fraction(s[below]) + (h - below) * (s[above] - s[below])

    p30, p70 = percentile(Fraction(3, 10)), percentile(Fraction(7, 10))
    ipras = Fraction(235, 100) + Fraction(3, 2) * abs(5 - (p30 + p70) / 2)
    assert idea.p30 == pytest.approx(float(p30)) and idea.p70 == pytest.approx(float(p70))
    assert idea.ipras == pytest.approx(float(ipras))
    # Exact arithmetic: a tie is not disagreement.
    assert idea.disagreement is ((p70 - p30) > ipras)
    assert idea.ratings_1_3 == sum(r <= 3 for r in ratings)
    assert idea.ratings_7_9 == sum(r >= 7 for r in ratings)


@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(1, 5), min_size=n, max_size=n),
            st.lists(st.integers(1, 5), min_size=n, max_size=n),
        )
    )
)
def test_kendalls_tau_b_is_the_one_scipy_gives(pair):
    x, y = pair
    expected = kendalltau(x, y).statistic
    got = float(kendall_tau_b(np.array(x), np.array(y)))
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected)


def test_tau_b_is_computed_for_a_stack_larger_than_one_step():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 30, size=(3000, 40))
    y = rng.integers(1, 30, size=(3000, 40))
    got = kendall_tau_b(x, y)
    for i in (0, 1500, 2999):
        assert got[i] == pytest.approx(kendalltau(x[i], y[i]).statistic)


def ranked(participant: str, order: str, round: int) -> Ballot:
    return Ballot(
        participant,
        tuple(Choice(idea, float(r)) for r, idea in enumerate(order, start=1)),
        round=round,
    )


def test_the_same_order_in_two_rounds_is_perfectly_stable():
    ballots = [ranked(f"p{j}", "ABCD", r) for r in (1, 2) for j in range(4)]
    result = tally(ballots, [Question(None, tuple("ABCD"))], top_k(4))
    first, second = result.questions
    assert first.stability is None
    assert second.stability.previous_round == 1
    assert second.stability.ideas_compared == 4
    assert second.stability.kendall_tau == 1.0


def test_a_reversed_order_has_tau_minus_one():
    ballots = [ranked(f"p{j}", "ABCD", 1) for j in range(5)]
    ballots += [ranked(f"p{j}", "DCBA", 2) for j in range(5)]
    result = tally(ballots, [Question(None, tuple("ABCD"))], top_k(4))
    assert result.questions[1].stability.kendall_tau == -1.0


def test_ratings_compare_only_the_ideas_rated_in_both_rounds():
    # Round 2 rates only A, B and C (D was agreed in round 1 and not put to the vote again).
    ballots = []
    for j in range(6):
        ballots.append(
            Ballot(
                f"p{j}",
                tuple(Choice(i, float(v)) for i, v in zip("ABCD", (8, 6, 4, 9), strict=True)),
                round=1,
            )
        )
        ballots.append(
            Ballot(
                f"p{j}",
                tuple(Choice(i, float(v)) for i, v in zip("ABC", (4, 6, 8), strict=True)),
                round=2,
            )
        )
    result = tally(ballots, [Question(None, tuple("ABCD"))], RatingScheme())
    stability = result.questions[1].stability
    assert stability.ideas_compared == 3
    # A, B, C were ordered A > B > C, then C > B > A.
    assert stability.kendall_tau == -1.0


def test_every_output_carries_the_stability_and_the_rand_statistics():
    ballots = rated([1, 1, 2, 3, 5, 7, 8, 9, 9]) + rated([7, 7, 8, 8, 8, 9, 9, 6, 7], round=2)
    result = tally(ballots, [Question(None, ("A",))], RatingScheme())
    data = json.loads(render(result, "json"))
    first, second = data["questions"]
    assert first["stability"] is None
    assert second["stability"] == {
        "previous_round": 1,
        "ideas_compared": 1,
        "kendall_tau": None,
        "interval": None,
    }
    assert first["ideas"][0]["ipras"] == 2.35
    assert first["ideas"][0]["disagreement"] is True
    assert second["ideas"][0]["appropriateness"] == "appropriate"
    csv_text = render(result, "csv")
    assert "ipras" in csv_text.splitlines()[0] and "kendall_tau" in csv_text.splitlines()[0]
    markdown = render(result, "md")
    assert "| IPR | IPRAS | Disagreement | Panel-size rule | Appropriateness |" in markdown
    assert "Stability from round 1: Kendall's τ-b not defined (1 idea compared)." in markdown
    assert "RAND/UCLA appropriateness method" in markdown


def test_the_documented_tau_example():
    # A, B, C, D then A, C, B, D: five pairs keep their order, one swaps: (5 − 1) / 6.
    ballots = [ranked(f"p{j}", "ABCD", 1) for j in range(3)]
    ballots += [ranked(f"p{j}", "ACBD", 2) for j in range(3)]
    result = tally(ballots, [Question(None, tuple("ABCD"))], top_k(4))
    assert result.questions[1].stability.kendall_tau == pytest.approx(4 / 6)


def test_an_ipr_equal_to_its_ipras_is_not_disagreement():
    # P30 = 4, P70 = 7.4: IPR 3.4; centre 5.7, AI 0.7, IPRAS 2.35 + 1.05 = 3.4. Not wider.
    idea = one_idea([1, 1, 1, 1, 6, 6, 7, 7, 7, 8, 8, 8, 8])
    assert idea.ipr == pytest.approx(3.4) and idea.ipras == pytest.approx(3.4)
    assert idea.disagreement is False
    assert idea.appropriateness == "appropriate"


def test_a_panel_that_votes_the_same_way_twice_has_an_interval_of_one():
    # The paired bootstrap draws the same people for both rounds: every resample's two
    # rankings are the same, so every τ-b is 1.
    rng = np.random.default_rng(4)
    ballots = []
    for j in range(10):
        order = "".join(rng.permutation(list("ABCDEF")))
        ballots += [ranked(f"p{j}", order[:4], 1), ranked(f"p{j}", order[:4], 2)]
    result = tally(
        ballots,
        [Question(None, tuple("ABCDEF"))],
        top_k(4),
        bootstrap=BootstrapSettings(resamples=300, seed=1),
    )
    stability = result.questions[1].stability
    assert stability.kendall_tau == 1.0
    assert stability.interval == (1.0, 1.0)


def test_the_paired_interval_holds_the_point_and_is_the_same_every_time():
    rng = np.random.default_rng(11)
    ballots = []
    for r in (1, 2):
        for j in range(15):
            ballots.append(ranked(f"p{j}", "".join(rng.permutation(list("ABCDEF"))), r))

    def run():
        return (
            tally(
                ballots,
                [Question(None, tuple("ABCDEF"))],
                top_k(6),
                bootstrap=BootstrapSettings(resamples=300, seed=5),
            )
            .questions[1]
            .stability
        )

    stability = run()
    low, high = stability.interval
    assert -1.0 <= low <= stability.kendall_tau <= high <= 1.0
    assert high - low > 0.1  # fifteen random rankings: far from certain
    assert run() == stability
    data = json.loads(
        render(
            tally(
                ballots,
                [Question(None, tuple("ABCDEF"))],
                top_k(6),
                bootstrap=BootstrapSettings(resamples=300, seed=5),
            ),
            "json",
        )
    )
    assert data["questions"][1]["stability"]["interval"] == [round(low, 4), round(high, 4)]


def test_without_a_bootstrap_there_is_no_interval():
    ballots = [ranked(f"p{j}", "ABCD", r) for r in (1, 2) for j in range(4)]
    result = tally(ballots, [Question(None, tuple("ABCD"))], top_k(4))
    assert result.questions[1].stability.interval is None


def test_rounds_that_rated_no_idea_in_common_have_no_tau():
    # Round 1 rated A and B; round 2 (after a carry-forward rule) rated only C.
    ballots = [
        Ballot(f"p{j}", (Choice("A", 8.0), Choice("B", 5.0)), round=1) for j in range(3)
    ] + rated([7, 7, 7], idea="C", round=2)
    result = tally(ballots, [Question(None, ("A", "B", "C"))], RatingScheme())
    stability = result.questions[1].stability
    assert (stability.ideas_compared, stability.kendall_tau) == (0, None)
