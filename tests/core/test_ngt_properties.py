"""Property tests of the NGT tally (hypothesis; the example budget is set in tests/conftest.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from allied.core.ngt import Ballot, Choice, Question, full_rank, tally, to_dict, top_k

IDEAS = tuple("ABCDEFGH")


@st.composite
def top_k_votes(draw, complete: bool = False, questions: int = 1):
    """Return (ballots, questions, k): each voter ranks up to k distinct ideas per question."""
    n = draw(st.integers(2, len(IDEAS)))
    k = draw(st.integers(1, n))
    ideas = IDEAS[:n]
    ballots = []
    texts = [f"Q{q}" for q in range(questions)]
    for text in texts:
        m = draw(st.integers(1, 7))
        for j in range(m):
            size = k if complete else draw(st.integers(1, k))
            order = draw(st.permutations(ideas))[:size]
            choices = tuple(Choice(idea, float(r)) for r, idea in enumerate(order, start=1))
            ballots.append(Ballot(f"p{j}", choices, question=text))
    return ballots, [Question(t, ideas) for t in texts], k


def _summary(result):
    return to_dict(result)["questions"]


@given(top_k_votes(questions=2), st.randoms(use_true_random=False))
def test_the_order_of_voters_and_rows_never_changes_a_result(votes, random):
    ballots, questions, k = votes
    shuffled = [
        Ballot(b.participant, tuple(random.sample(b.choices, len(b.choices))), b.question)
        for b in ballots
    ]
    random.shuffle(shuffled)
    assert _summary(tally(shuffled, questions, top_k(k))) == _summary(
        tally(ballots, questions, top_k(k))
    )


@given(top_k_votes(), st.data())
def test_moving_an_idea_up_on_one_ballot_never_lowers_its_total(votes, data):
    ballots, questions, k = votes
    j = data.draw(st.integers(0, len(ballots) - 1))
    ballot = ballots[j]
    if len(ballot.choices) < 2:
        return
    at = data.draw(st.integers(1, len(ballot.choices) - 1))
    choices = list(ballot.choices)
    moved = choices[at].idea
    # Swap the idea with the one placed just above it.
    choices[at - 1], choices[at] = (
        Choice(choices[at].idea, choices[at - 1].value),
        Choice(choices[at - 1].idea, choices[at].value),
    )
    changed = [
        *ballots[:j],
        Ballot(ballot.participant, tuple(choices), ballot.question),
        *ballots[j + 1 :],
    ]
    before = tally(ballots, questions, top_k(k)).questions[0].idea(moved).total
    after = tally(changed, questions, top_k(k)).questions[0].idea(moved).total
    assert after >= before


@given(top_k_votes(complete=True))
def test_with_complete_top_k_ballots_the_totals_sum_to_m_k_k_plus_1_over_2(votes):
    ballots, questions, k = votes
    result = tally(ballots, questions, top_k(k)).questions[0]
    assert sum(i.total for i in result.ideas) == result.voters * k * (k + 1) / 2


@given(top_k_votes())
def test_w_lies_between_0_and_1(votes):
    ballots, questions, k = votes
    w = tally(ballots, questions, top_k(k)).questions[0].agreement.kendall_w
    assert w is None or 0.0 <= w <= 1.0


@given(st.integers(2, 8), st.integers(2, 8), st.data())
def test_w_is_1_when_all_voters_agree(n, m, data):
    order = data.draw(st.permutations(IDEAS[:n]))
    k = data.draw(st.integers(1, n))
    complete = tuple(Choice(idea, float(r)) for r, idea in enumerate(order, start=1))
    full = [Ballot(f"p{j}", complete) for j in range(m)]
    assert (
        tally(full, [Question(None, IDEAS[:n])], full_rank()).questions[0].agreement.kendall_w
        == 1.0
    )
    # The same top k on every ballot gives every voter the same ties, so the corrected W is 1 too.
    top = [Ballot(f"p{j}", complete[:k]) for j in range(m)]
    w = tally(top, [Question(None, IDEAS[:n])], top_k(k)).questions[0].agreement.kendall_w
    assert w == 1.0


@given(top_k_votes(questions=3))
def test_splitting_a_file_by_question_gives_the_same_results(votes):
    ballots, questions, k = votes
    together = _summary(tally(ballots, questions, top_k(k)))
    apart = []
    for q in questions:
        apart += _summary(tally([b for b in ballots if b.question == q.text], [q], top_k(k)))
    assert together == apart


@given(top_k_votes())
def test_ranks_are_standard_competition_ranks_consistent_with_totals(votes):
    ballots, questions, k = votes
    ideas = tally(ballots, questions, top_k(k)).questions[0].ideas
    ranks = [i.rank for i in ideas]
    totals = np.array([i.total for i in ideas])
    # A rank is one more than the number of ideas strictly ahead; higher totals are never behind.
    assert all(r == 1 + sum(1 for s in ranks if s < r) for r in ranks)
    assert all(np.diff(totals) <= 0)
