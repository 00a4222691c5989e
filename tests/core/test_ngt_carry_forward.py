"""A carry-forward rule applied round by round: each idea agreed, excluded or sent on, and
whether the next round rated what the rule sent on."""

from __future__ import annotations

import json

import pytest

from allied.core.ngt import AgreementRule, Ballot, Choice, Question, RatingScheme, render, tally
from allied.core.ngt.schemes import SchemeError

RULE = RatingScheme(rule=AgreementRule(min_top=70, max_bottom=15, exclude_bottom=70))
IDEAS = Question(None, ("Sponsor", "Assigned", "Circles", "Background"))


def ballots(rounds: dict[int, dict[str, list[int]]]) -> list[Ballot]:
    out = []
    for round_, ratings in rounds.items():
        panel = len(next(iter(ratings.values())))
        for j in range(panel):
            marks = tuple(Choice(idea, float(values[j])) for idea, values in ratings.items())
            out.append(Ballot(f"p{j}", marks, round=round_))
    return out


ROUND_1 = {
    "Sponsor": [8, 8, 9, 7, 8, 9, 7, 8, 8, 9],  # 100% in 7–9: agreed
    "Assigned": [1, 2, 1, 3, 2, 1, 2, 3, 1, 5],  # 90% in 1–3: excluded
    "Circles": [5, 6, 7, 4, 5, 8, 3, 6, 5, 7],  # 30% in 7–9, 10% in 1–3: next round
    "Background": [5] * 10,  # next round
}


def test_each_idea_is_agreed_excluded_or_sent_on():
    result = tally(ballots({1: ROUND_1}), [IDEAS], RULE)
    block = result.questions[0]
    outcome = {idea.idea: idea.outcome for idea in block.ideas}
    assert outcome == {
        "Sponsor": "agreed",
        "Assigned": "excluded",
        "Circles": "next round",
        "Background": "next round",
    }
    cf = block.carry_forward
    assert (cf.agreed, cf.excluded, cf.next_round) == (
        ("Sponsor",),
        ("Assigned",),
        ("Circles", "Background"),
    )
    assert cf.previous_round is None


def test_the_next_round_is_checked_against_what_the_rule_sent_on():
    # Round 2 rates Circles (sent on) and Assigned (excluded), and leaves out Background.
    round_2 = {"Circles": [7, 7, 8, 7, 8, 8, 7, 7, 9, 7], "Assigned": [2] * 10}
    result = tally(ballots({1: ROUND_1, 2: round_2}), [IDEAS], RULE)
    second = result.questions[1]
    cf = second.carry_forward
    assert cf.previous_round == 1
    assert cf.agreed == ("Circles",) and cf.excluded == ("Assigned",)
    assert cf.rated_though_settled == ("Assigned",)
    assert cf.not_rated_though_sent_on == ("Background",)
    # Ideas not put to round 2 have no outcome, no agreement verdict and did not move.
    sponsor = second.idea("Sponsor")
    assert (sponsor.outcome, sponsor.agreed, sponsor.rank_change) == (None, None, None)
    # τ-b and W are over the ideas rated: in round 2 everyone rated Circles above Assigned.
    assert second.agreement.kendall_w == 1.0 and second.agreement.df == 1
    assert second.stability.ideas_compared == 2
    text = render(result, "md")
    assert "Carry-forward rule, round 1: 1 agreed, 1 excluded, 2 sent on to the next round." in text
    assert "This round also rated “Assigned”, which round 1 had settled" in text
    assert "Round 1 sent on “Background”, which nobody rated in this round." in text
    data = json.loads(render(result, "json"))
    assert data["questions"][1]["carry_forward"]["not_rated_though_sent_on"] == ["Background"]
    assert data["questions"][0]["ideas"][0]["outcome"] == "agreed"
    assert "an idea at least 70% rate in the bottom band is excluded" in text


def test_without_an_exclusion_rule_there_is_no_outcome():
    result = tally(ballots({1: ROUND_1}), [IDEAS], RatingScheme())
    assert result.questions[0].carry_forward is None
    assert "outcome" not in json.loads(render(result, "json"))["questions"][0]["ideas"][0]


@pytest.mark.parametrize("field", ["min_top", "max_bottom", "exclude_bottom"])
def test_a_share_outside_0_to_100_is_refused(field):
    with pytest.raises(SchemeError, match="percentage from 0 to 100"):
        AgreementRule(**{field: 101})


def test_an_idea_settled_and_left_out_does_not_make_the_others_seem_to_move():
    # Round 1: A agreed (rank 1), C and D sent on (ranks 2 and 3 by median), B excluded.
    # Round 2 rates only C and D, in the same order: neither moved.
    round_2 = {"Circles": [7, 7, 8, 7, 8, 8, 7, 7, 9, 7], "Background": [5] * 10}
    result = tally(ballots({1: ROUND_1, 2: round_2}), [IDEAS], RULE)
    second = result.questions[1]
    assert second.idea("Circles").rank_change == 0
    assert second.idea("Background").rank_change == 0
