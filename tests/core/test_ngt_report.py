"""Rendering: JSON shape, methods paragraph and publication tables say exactly what was computed."""

from __future__ import annotations

import json

from allied.core.ngt import (
    Ballot,
    BootstrapSettings,
    Choice,
    Question,
    RatingScheme,
    methods_paragraph,
    render,
    tally,
    to_dict,
    top_k,
)


def _ballots(orders):
    return [
        Ballot(f"p{j}", tuple(Choice(i, float(r)) for r, i in enumerate(o, 1)))
        for j, o in enumerate(orders)
    ]


def test_the_json_has_the_documented_keys_and_ideas_in_rank_order():
    result = tally(_ballots(["BA", "BC", "AB"]), [Question(None, ("A", "B", "C", "D"))], top_k(2))
    data = to_dict(result)
    assert list(data) == ["scheme", "tie_break", "questions"]
    q = data["questions"][0]
    assert list(q)[:5] == ["question", "round", "group", "voters", "ideas_on_ballot"]
    assert [i["idea"] for i in q["ideas"]] == ["B", "A", "C", "D"]
    assert list(q["agreement"]) == ["kendall_w", "chi2", "df", "p_value"]
    assert json.loads(render(result, "json")) == data


def test_the_methods_paragraph_describes_the_scheme_ties_and_bootstrap():
    exact = tally(
        _ballots(["ABCDE"] * 3), [Question(None, tuple("ABCDEF"))], top_k(5, exactly_k=True)
    )
    text = methods_paragraph(exact)
    assert text.startswith("Each participant chose their five most important ideas and ranked them")
    assert "5 − r + 1 points" in text and "Kendall's coefficient of concordance W" in text
    assert "ideas still level shared a rank" in text
    boot = tally(
        _ballots(["AB", "BA"]),
        [Question(None, ("A", "B"))],
        top_k(2),
        bootstrap=BootstrapSettings(50, 4),
    )
    assert "50 times (seed 4)" in methods_paragraph(boot)


def test_the_markdown_footnote_states_the_scheme_m_and_the_tie_break():
    result = tally(_ballots(["AB", "BA", "AB"]), [Question(None, ("A", "B"))], top_k(2))
    md = render(result, "md")
    assert "## Results (round 1)" in md
    assert "Scheme: top-k (k = 2; points = k − r + 1). m = 3 participants" in md
    assert "Ties broken by total score, then the number of participants who gave it points" in md
    assert "Kendall's W = " in md and "## Methods" in md


def test_rating_tables_show_median_iqr_and_agreement():
    ballots = [Ballot(f"p{j}", (Choice("A", r),)) for j, r in enumerate([7, 8, 9, 9])]
    md = render(tally(ballots, [Question(None, ("A",))], RatingScheme(1, 9)), "md")
    assert (
        "| Rank | Idea | Median | IQR | Mean | Top band % | Bottom band % | Agreed | Raters |" in md
    )
    # Sorted 7 8 9 9: median 8.5; Q1 at position 0.75 = 7.75, Q3 at 2.25 = 9, IQR 1.25; mean 8.25.
    assert "| 1 | A | 8.5 | 1.25 | 8.25 | 100 | 0 | yes | 4 |" in md
    assert "at least 70% rate in the top band and under 15% in the bottom band" in md


FORMULAS = {"question": '=HYPERLINK("http://x.example")', "idea": "+cmd|' /C calc'!A0"}


def _typed_like_formulas():
    question = FORMULAS["question"]
    ideas = (FORMULAS["idea"], "-2 weeks of shadowing", "Plain idea")
    themes = ("@SUM(A1)", "@SUM(A1)", "Time")
    ballots = [
        Ballot(f"p{j}", tuple(Choice(i, float(r)) for r, i in enumerate(o, 1)), question)
        for j, o in enumerate([ideas, ideas[::-1]])
    ]
    return tally(ballots, [Question(question, ideas, themes)], top_k(3))


def test_the_csv_writes_what_people_typed_so_no_spreadsheet_runs_it():
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(render(_typed_like_formulas(), "csv"))))
    typed = [row[key] for row in rows for key in ("question", "idea", "theme") if row[key]]
    assert typed and all(not value.startswith(("=", "+", "-", "@")) for value in typed)
    assert {row["idea"] for row in rows} >= {"'+cmd|' /C calc'!A0", "'-2 weeks of shadowing"}
    assert rows[0]["question"] == "'" + FORMULAS["question"]


def test_the_xlsx_holds_no_formula_and_shows_what_people_typed():
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render(_typed_like_formulas(), "xlsx")))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'+cmd|' /C calc'!A0" in texts and "'@SUM(A1)" in texts
    assert any(text.startswith("'=HYPERLINK") for text in texts)
