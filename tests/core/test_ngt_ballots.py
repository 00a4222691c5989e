"""Reading and validating ballots: every problem at once, with spreadsheet row numbers."""

from __future__ import annotations

from allied.core.ngt import (
    Ballot,
    Choice,
    PointsScheme,
    Question,
    RatingScheme,
    build_questions,
    drop_invalid,
    full_rank,
    parse_ballot_rows,
    parse_idea_rows,
    top_k,
    validate_ballots,
)


def _rows(*rows):
    """Return data rows numbered as a spreadsheet shows them: the header is row 1."""
    return [(i, list(r)) for i, r in enumerate(rows, start=2)]


def _problems(header, rows, scheme, listed=None):
    parsed = parse_ballot_rows(header, _rows(*rows), scheme=scheme)
    questions, question_problems = build_questions(parsed, listed)
    return [
        *parsed.problems,
        *question_problems,
        *validate_ballots(parsed.ballots, questions, scheme),
    ]


def test_header_names_are_case_insensitive_and_rows_become_ballots():
    parsed = parse_ballot_rows(
        ["Participant", "IDEA", " Rank "],
        _rows(("p1", "A", "1"), ("p1", "B", 2.0), ("p2", "A", 1)),
        scheme=top_k(),
    )
    assert parsed.problems == ()
    assert [b.participant for b in parsed.ballots] == ["p1", "p2"]
    assert parsed.ballots[0].choices == (Choice("A", 1.0, 2), Choice("B", 2.0, 3))


def test_every_problem_is_reported_at_once_with_its_row_number():
    problems = _problems(
        ["participant", "idea", "rank"],
        [
            ("p1", "A", 1),
            ("p1", "B", 1),  # row 3: rank 1 again
            ("p2", "A", 6),  # row 4: outside 1–5
            ("p3", "A", "first"),  # row 5: not a number
            ("", "A", 1),  # row 6: no participant
        ],
        top_k(5),
    )
    text = [str(p) for p in problems]
    assert "rows 2, 3: Participant 'p1': the rank 1 is given twice." in text
    assert "row 4: Participant 'p2': the rank 6 is outside 1–5." in text
    assert "row 5: The rank 'first' is not a number." in text
    assert "row 6: The participant is empty." in text


def test_a_missing_column_is_reported_against_the_header():
    problems = _problems(["participant", "idea", "points"], [("p1", "A", 3)], top_k())
    assert len(problems) == 1
    assert str(problems[0]).startswith("row 1: The header needs the column(s) rank")
    assert "--scheme" in str(problems[0])


def test_more_choices_than_allowed_and_exactly_k_are_enforced():
    rows = [("p1", i, r) for r, i in enumerate("ABCD", start=1)] + [("p2", "A", 1)]
    too_many = _problems(["participant", "idea", "rank"], rows, top_k(3))
    assert any("ranks 4 ideas; at most 3 are allowed" in str(p) for p in too_many)
    three = [("p1", i, r) for r, i in enumerate("ABC", start=1)]
    fewer = _problems(["participant", "idea", "rank"], [*three, ("p2", "A", 1)], top_k(3))
    assert fewer == []
    exactly = _problems(
        ["participant", "idea", "rank"], [*three, ("p2", "A", 1)], top_k(3, exactly_k=True)
    )
    assert [str(p) for p in exactly] == [
        "row 5: Participant 'p2': the ballot ranks 1 ideas; exactly 3 are required."
    ]


def test_a_skipped_rank_is_a_problem():
    problems = _problems(
        ["participant", "idea", "rank"], [("p1", "A", 1), ("p1", "B", 3)], top_k(3)
    )
    assert any("skip 2" in str(p) for p in problems)


def test_an_unknown_idea_is_reported_with_a_suggestion():
    listed, _ = parse_idea_rows(["idea"], _rows(("Open conversations",), ("Allyship",)))
    problems = _problems(
        ["participant", "idea", "rank"], [("p1", "Open conversation", 1)], top_k(), listed
    )
    assert [str(p) for p in problems] == [
        "row 2: Participant 'p1': the idea 'Open conversation' is not on the ballot. "
        "Did you mean 'Open conversations'?"
    ]


def test_an_exceeded_point_pool_and_negative_points_are_reported():
    problems = _problems(
        ["participant", "idea", "points"],
        [("p1", "A", 8), ("p1", "B", 4), ("p2", "A", -1)],
        PointsScheme(10),
    )
    text = [str(p) for p in problems]
    assert "rows 2, 3: Participant 'p1': the ballot spends 12 points; the pool is 10." in text
    assert "row 4: Participant 'p2': the points -1 are negative." in text


def test_a_rating_outside_the_scale_is_reported():
    problems = _problems(
        ["participant", "idea", "rating"], [("p1", "A", 10), ("p1", "B", 0)], RatingScheme(1, 9)
    )
    assert [p.rows for p in problems] == [(2,), (3,)]


def test_a_voter_appearing_twice_is_reported():
    same_idea = _problems(
        ["participant", "idea", "rank"], [("p1", "A", 1), ("p1", "A", 2)], top_k()
    )
    assert any("marked twice" in str(p) for p in same_idea)
    two_groups = _problems(
        ["participant", "idea", "rank", "group"],
        [("p1", "A", 1, "G1"), ("p1", "B", 1, "G2")],
        top_k(),
    )
    assert len([p for p in two_groups if "several groups" in str(p)]) == 2
    duplicate = validate_ballots(
        [Ballot("p1", (Choice("A", 1),)), Ballot("p1", (Choice("B", 1),))],
        [Question(None, ("A", "B"))],
        top_k(),
    )
    assert any("two ballots" in str(p) for p in duplicate)


def test_a_full_ranking_must_rank_every_idea():
    listed, _ = parse_idea_rows(["idea"], _rows(("A",), ("B",), ("C",)))
    problems = _problems(
        ["participant", "idea", "rank"], [("p1", "A", 1), ("p1", "B", 2)], full_rank(), listed
    )
    assert any("missing: C" in str(p) for p in problems)


def test_lenient_mode_drops_only_the_invalid_ballots():
    parsed = parse_ballot_rows(
        ["participant", "idea", "rank"],
        _rows(("p1", "A", 1), ("p1", "B", 1), ("p2", "A", 1)),
        scheme=top_k(),
    )
    questions, _ = build_questions(parsed)
    kept, dropped = drop_invalid(
        parsed.ballots, validate_ballots(parsed.ballots, questions, top_k())
    )
    assert [b.participant for b in kept] == ["p2"]
    assert [b.participant for b, _ in dropped] == ["p1"]


def test_questions_keep_the_order_of_first_appearance_and_the_ideas_lists_order():
    parsed = parse_ballot_rows(
        ["question", "participant", "idea", "rank"],
        _rows(("Q2", "p1", "B", 1), ("Q1", "p1", "A", 1)),
        scheme=top_k(),
    )
    listed, _ = parse_idea_rows(
        ["question", "idea", "theme"], _rows(("Q1", "A", "T"), ("Q2", "C", ""), ("Q2", "B", ""))
    )
    questions, problems = build_questions(parsed, listed)
    assert problems == ()
    assert [q.text for q in questions] == ["Q2", "Q1"]
    assert questions[0].ideas == ("C", "B")
    assert questions[1].themes == ("T",)
