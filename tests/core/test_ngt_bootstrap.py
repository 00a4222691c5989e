"""Rank stability by bootstrap: seeded, reproducible, and sensible at the extremes."""

from __future__ import annotations

from allied.core.ngt import Ballot, BootstrapSettings, Choice, Question, tally, top_k


def _ballots(orders: list[str], question: str | None = None) -> list[Ballot]:
    return [
        Ballot(
            f"p{j}", tuple(Choice(i, float(r)) for r, i in enumerate(o, start=1)), question=question
        )
        for j, o in enumerate(orders)
    ]


MIXED = ["ABC", "BAC", "ACD", "DAB", "ABD", "CBA", "ADC", "BCA"]


def test_the_same_seed_gives_the_same_intervals_and_another_seed_may_not():
    question = [Question(None, tuple("ABCDE"))]
    one = tally(_ballots(MIXED), question, top_k(3), bootstrap=BootstrapSettings(300, seed=5))
    two = tally(_ballots(MIXED), question, top_k(3), bootstrap=BootstrapSettings(300, seed=5))
    other = tally(_ballots(MIXED), question, top_k(3), bootstrap=BootstrapSettings(300, seed=6))
    assert one.questions[0].ideas == two.questions[0].ideas
    probabilities = [i.top_n_probability for i in one.questions[0].ideas]
    assert probabilities != [i.top_n_probability for i in other.questions[0].ideas]


def test_when_everyone_agrees_every_resample_gives_the_same_ranks():
    result = tally(
        _ballots(["ABC"] * 6),
        [Question(None, tuple("ABCD"))],
        top_k(3),
        bootstrap=BootstrapSettings(200, 1),
    )
    ideas = {i.idea: i for i in result.questions[0].ideas}
    assert [ideas[i].rank_interval for i in "ABCD"] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    # Top N defaults to k = 3: A, B and C are always in it, D never.
    assert [ideas[i].top_n_probability for i in "ABCD"] == [1.0, 1.0, 1.0, 0.0]


def test_probabilities_and_intervals_are_consistent_with_the_ranks():
    result = tally(
        _ballots(MIXED),
        [Question(None, tuple("ABCDE"))],
        top_k(3),
        bootstrap=BootstrapSettings(500, 3, top_n=2),
    )
    for idea in result.questions[0].ideas:
        low, high = idea.rank_interval
        assert 1 <= low <= high <= 5
        assert 0.0 <= idea.top_n_probability <= 1.0
    leader = result.questions[0].ideas[0]
    assert leader.idea == "A" and leader.top_n_probability > 0.8
    assert result.questions[0].ideas[-1].top_n_probability == 0.0  # E is never chosen


def test_a_question_gets_the_same_bootstrap_alone_or_with_others():
    q1, q2 = Question("Q1", tuple("ABCD")), Question("Q2", tuple("ABCD"))
    both = _ballots(MIXED, "Q1") + _ballots(["DCB", "DBA", "CDA"], "Q2")
    settings = BootstrapSettings(200, seed=9)
    together = tally(both, [q1, q2], top_k(3), bootstrap=settings).questions[0]
    alone = tally(_ballots(MIXED, "Q1"), [q1], top_k(3), bootstrap=settings).questions[0]
    assert together.ideas == alone.ideas
