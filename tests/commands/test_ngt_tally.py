"""`allied ngt tally`: a spreadsheet in, a table a researcher can publish out."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from allied.cli import main

# The command installed beside the interpreter running the tests, wherever the clone is.
ALLIED = Path(sys.executable).parent / "allied"

# Four participants rank their top three of five ideas (hand-checked in tests/core/test_ngt_tally.py):
# totals A 10, B 7, C 6, D 1, E 0; Kendall's W = 1242/1824.
BALLOTS = """participant,idea,rank
v1,Open conversations,1
v1,Shared goals,2
v1,Cultural humility,3
v2,Shared goals,1
v2,Open conversations,2
v2,Role models,3
v3,Open conversations,1
v3,Cultural humility,2
v3,Shared goals,3
v4,Cultural humility,1
v4,Open conversations,2
v4,Shared goals,3
"""
IDEAS = """idea,theme
Open conversations,Relationship
Shared goals,Relationship
Cultural humility,Skills
Role models,Skills
Sponsorship,
"""


def _write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_json_goes_to_the_output_file_with_the_documented_shape(tmp_path, capsys):
    ballots = _write(tmp_path, "votes.csv", BALLOTS, bom=True)
    ideas = _write(tmp_path, "ideas.csv", IDEAS)
    out = tmp_path / "results.json"
    status = main(
        [
            "ngt",
            "tally",
            str(ballots),
            "--k",
            "3",
            "--ideas",
            str(ideas),
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert status == 0
    assert capsys.readouterr().out == ""
    data = json.loads(out.read_text())
    assert data["scheme"]["name"] == "top-k" and data["scheme"]["k"] == 3
    assert data["tie_break"] == ["total", "voters", "first_places"]
    [q] = data["questions"]
    assert (q["question"], q["round"], q["group"], q["voters"], q["ideas_on_ballot"]) == (
        None,
        1,
        None,
        4,
        5,
    )
    assert [(i["idea"], i["total"], i["rank"]) for i in q["ideas"]] == [
        ("Open conversations", 10, 1),
        ("Shared goals", 7, 2),
        ("Cultural humility", 6, 3),
        ("Role models", 1, 4),
        ("Sponsorship", 0, 5),
    ]
    first = q["ideas"][0]
    assert set(first) >= {
        "idea", "theme", "total", "voters", "mean", "mean_among_voters", "pct_of_max",
        "share_of_points", "first_places", "top3", "rank",
    }  # fmt: skip
    assert (first["theme"], first["pct_of_max"], first["share_of_points"]) == (
        "Relationship",
        83.33,
        41.67,
    )
    assert [t["theme"] for t in q["themes"]] == ["Relationship", "Skills"]
    assert q["agreement"]["kendall_w"] == round(1242 / 1824, 4)
    assert q["agreement"]["df"] == 4


def test_json_to_stdout_carries_nothing_else(tmp_path, capsys):
    ballots = _write(tmp_path, "votes.csv", BALLOTS)
    assert main(["ngt", "tally", str(ballots), "--k", "3", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["questions"][0]["voters"] == 4


def test_errors_go_to_stderr_with_row_numbers_and_nothing_is_written(tmp_path, capsys):
    bad = BALLOTS.replace("v1,Shared goals,2", "v1,Shared goals,1").replace(
        "v4,Shared goals,3", "v4,Shared goals,9"
    )
    ballots = _write(tmp_path, "votes.csv", bad)
    out = tmp_path / "results.json"
    status = main(["ngt", "tally", str(ballots), "--k", "3", "--format", "json", "-o", str(out)])
    assert status == 1
    assert not out.exists()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2 problems found; nothing was computed" in captured.err
    assert "rows 2, 3: Participant 'v1': the rank 1 is given twice." in captured.err
    assert "row 13: Participant 'v4': the rank 9 is outside 1–3." in captured.err
    assert "Traceback" not in captured.err


def test_lenient_drops_invalid_ballots_and_lists_each(tmp_path, capsys):
    bad = BALLOTS.replace("v1,Shared goals,2", "v1,Shared goals,1")
    ballots = _write(tmp_path, "votes.csv", bad)
    assert main(["ngt", "tally", str(ballots), "--k", "3", "--lenient", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "dropped 1 invalid ballot" in captured.err and "participant 'v1'" in captured.err
    assert json.loads(captured.out)["questions"][0]["voters"] == 3


def test_exactly_k_rejects_short_ballots(tmp_path, capsys):
    short = BALLOTS.replace("v4,Shared goals,3\n", "")
    ballots = _write(tmp_path, "votes.csv", short)
    assert main(["ngt", "tally", str(ballots), "--k", "3"]) == 0
    capsys.readouterr()
    assert main(["ngt", "tally", str(ballots), "--k", "3", "--exactly-k"]) == 1
    assert "exactly 3 are required" in capsys.readouterr().err


def test_xlsx_in_and_out_and_markdown_with_footnote_and_methods(tmp_path, capsys):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(BALLOTS)):
        sheet.append([int(c) if c.isdigit() else c for c in row])
    source = tmp_path / "votes.xlsx"
    book.save(source)
    out = tmp_path / "results.xlsx"
    assert main(["ngt", "tally", str(source), "--k", "3", "--format", "xlsx", "-o", str(out)]) == 0
    results = load_workbook(out)
    assert results.sheetnames == ["Results", "Data"]
    cells = [
        c for row in results["Results"].iter_rows(values_only=True) for c in row if c is not None
    ]
    assert "Open conversations" in cells and 10 in cells
    assert any(isinstance(c, str) and c.startswith("Scheme: top-k") for c in cells)

    md = tmp_path / "results.md"
    assert main(["ngt", "tally", str(source), "--k", "3", "--format", "md", "-o", str(md)]) == 0
    text = md.read_text()
    assert "| 1 | Open conversations | 10 | 4 | 83.3 |" in text
    assert "m = 4 participants" in text and "Ties broken by total score" in text
    assert "Each participant chose up to three ideas they judged most important" in text


def test_csv_output_has_one_row_per_idea_with_the_tie_break(tmp_path, capsys):
    ballots = _write(tmp_path, "votes.csv", BALLOTS)
    assert main(["ngt", "tally", str(ballots), "--k", "3", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["idea"] for r in rows] == [
        "Open conversations",
        "Shared goals",
        "Cultural humility",
        "Role models",
    ]
    assert {r["tie_break"] for r in rows} == {"total>voters>first_places"}


def test_rounds_groups_and_the_bootstrap_reach_the_output(tmp_path, capsys):
    text = "question,round,group,participant,idea,rank\n"
    for rnd, orders in ((1, ["AB", "BA", "AC"]), (2, ["BA", "BA", "BC"])):
        for group in ("North", "South"):
            for j, order in enumerate(orders):
                for r, idea in enumerate(order, start=1):
                    text += f"Q,{rnd},{group},{group}{j},{idea},{r}\n"
    ballots = _write(tmp_path, "votes.csv", text)
    args = [
        "ngt",
        "tally",
        str(ballots),
        "--k",
        "2",
        "--bootstrap",
        "100",
        "--seed",
        "3",
        "--format",
        "json",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    labels = [(q["round"], q["group"]) for q in data["questions"]]
    assert labels == [
        (1, "North"),
        (1, "South"),
        (1, "pooled"),
        (2, "North"),
        (2, "South"),
        (2, "pooled"),
    ]
    final = data["questions"][3]["ideas"]
    assert final[0]["idea"] == "B" and final[0]["rank_change"] == 1
    assert "top_n_probability" in final[0] and len(final[0]["rank_interval"]) == 2
    assert data["bootstrap"] == {"resamples": 100, "seed": 3, "top_n": 2}


def test_bad_options_and_missing_files_are_clear_errors(tmp_path, capsys):
    ballots = _write(tmp_path, "votes.csv", BALLOTS)
    assert main(["ngt", "tally", str(tmp_path / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["ngt", "tally", str(ballots), "--scheme", "points"]) == 2
    assert "--pool" in capsys.readouterr().err
    assert main(["ngt", "tally", str(ballots), "--tie-break", "total,luck"]) == 2
    assert "Unknown tie-break key 'luck'" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes("participant,idea,rank\np1,Café,1\n".encode("latin-1"))
    assert main(["ngt", "tally", str(latin)]) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_the_installed_command_runs_without_django_settings_or_django(tmp_path):
    ballots = _write(tmp_path, "votes.csv", BALLOTS)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = str(ALLIED)
    direct = subprocess.run(
        [command, "ngt", "tally", str(ballots), "--k", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert direct.returncode == 0, direct.stderr
    assert "Open conversations" in direct.stdout
    # Run the same entry-point script in-process to see which modules it imported.
    probe = f"""
import runpy, sys
sys.argv = [{command!r}, "ngt", "tally", {str(ballots)!r}, "--k", "3", "--format", "json"]
try:
    runpy.run_path({command!r}, run_name="__main__")
except SystemExit as exit:
    status = exit.code
print("django imported" if "django" in sys.modules else "django not imported", file=sys.stderr)
sys.exit(status)
"""
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["questions"][0]["ideas"][0]["total"] == 10
    assert "django not imported" in run.stderr


def test_a_carry_forward_rule_is_a_rating_option(tmp_path, capsys):
    ballots = tmp_path / "ratings.csv"
    rows = ["round,participant,idea,rating"]
    for j in range(10):
        rows += [f"1,p{j},Sponsor,8", f"1,p{j},Assigned,2", f"1,p{j},Circles,{5 + j % 3}"]
    ballots.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert (
        main(
            [
                "ngt",
                "tally",
                str(ballots),
                "--scheme",
                "rating",
                "--exclude-bottom",
                "70",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["questions"][0]["carry_forward"]["next_round"] == ["Circles"]
    assert main(["ngt", "tally", str(ballots), "--exclude-bottom", "70"]) == 2
    assert "--exclude-bottom applies to the rating scheme" in capsys.readouterr().err
