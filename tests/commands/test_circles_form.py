"""`allied circles form`: a cohort spreadsheet in, one circle per person out."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from allied.cli import main

# The command installed beside the interpreter running the tests, wherever the clone is.
ALLIED = Path(sys.executable).parent / "allied"

PROFESSIONS = ("OT", "PT", "Nurse", "SLT")
PEOPLE = "ID,Profession,Band,Availability\n" + "".join(
    f"m{i:02d},{PROFESSIONS[i % 4]},{5 + i % 3},{'Tue eve' if i < 10 else 'Thu am'}\n"
    for i in range(20)
)


def _write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_circles_go_to_stdout_one_row_per_person_and_the_explanation_to_stderr(tmp_path, capsys):
    people = _write(tmp_path, "cohort.csv", PEOPLE, bom=True)
    args = ["circles", "form", str(people), "--size", "5-8", "--diverse", "PROFESSION,band"]
    # Four circles of five can each share one availability (ten people have each).
    status = main(
        [*args, "--alike", "availability", "--circles", "4", "--weights", "availability=2"]
    )
    assert status == 0
    captured = capsys.readouterr()
    rows = _rows(captured.out)
    assert list(rows[0]) == ["id", "circle"]
    assert [r["id"] for r in rows] == [f"m{i:02d}" for i in range(20)]
    sizes = [sum(r["circle"] == c for r in rows) for c in {r["circle"] for r in rows}]
    assert sizes == [5, 5, 5, 5]
    availability = {f"m{i:02d}": i < 10 for i in range(20)}
    for circle in {r["circle"] for r in rows}:
        assert len({availability[r["id"]] for r in rows if r["circle"] == circle}) == 1
    assert "Quality" in captured.err and "Circle 1:" in captured.err


def test_the_same_seed_writes_the_same_file_and_pairs_are_honoured(tmp_path, capsys):
    people = _write(tmp_path, "cohort.csv", PEOPLE)
    must = _write(tmp_path, "must.csv", "id,other\nm00,m01\n")
    cannot = _write(tmp_path, "cannot.csv", "manager,report\nm02,m03\nm04,m06\n")
    outputs = []
    for name in ("a.csv", "b.csv"):
        out = tmp_path / name
        status = main(
            [
                "circles",
                "form",
                str(people),
                "--size",
                "5–8",
                "--diverse",
                "profession",
                "--must-link",
                str(must),
                "--cannot-link",
                str(cannot),
                "--seed",
                "9",
                "--quiet",
                "-o",
                str(out),
            ]
        )
        assert status == 0
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    assert capsys.readouterr().err == ""
    circle = {r["id"]: r["circle"] for r in _rows(outputs[0])}
    assert circle["m00"] == circle["m01"]
    assert circle["m02"] != circle["m03"] and circle["m04"] != circle["m06"]


def test_facilitators_are_written_and_those_to_avoid_are_kept_away(tmp_path, capsys):
    people = _write(tmp_path, "cohort.csv", PEOPLE)
    facilitators = _write(
        tmp_path,
        "mentors.csv",
        "id,capacity,kind,availability\nf-tue,2,mentor,Tue eve\nf-thu,2,mentor,Thu am\n",
    )
    cannot = _write(tmp_path, "cannot.csv", "a,b\nf-tue,m00\n")
    out = tmp_path / "circles.csv"
    report = tmp_path / "report.txt"
    args = ["circles", "form", str(people), "--size", "5-8", "--diverse", "profession"]
    args += ["--alike", "availability", "--facilitators", str(facilitators)]
    args += ["--cannot-link", str(cannot), "-o", str(out), "--report", str(report), "--quiet"]
    assert main(args) == 0
    rows = _rows(out.read_text())
    assert list(rows[0]) == ["id", "circle", "facilitator"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["m00"]["facilitator"] != "f-tue"
    assert "facilitated by" in report.read_text()


def test_xlsx_in_and_out(tmp_path, capsys):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    for row in csv.reader(io.StringIO(PEOPLE)):
        book.active.append([int(c) if c.isdigit() else c for c in row])
    source = tmp_path / "cohort.xlsx"
    book.save(source)
    out = tmp_path / "circles.xlsx"
    args = ["circles", "form", str(source), "--size", "6-7", "--diverse", "band", "-o", str(out)]
    assert main([*args, "--quiet"]) == 0
    values = list(load_workbook(out).active.iter_rows(values_only=True))
    assert values[0] == ("id", "circle") and len(values) == 21
    assert {type(v[1]) for v in values[1:]} == {int}


def test_bad_input_is_reported_with_row_numbers_and_nothing_is_written(tmp_path, capsys):
    out = tmp_path / "circles.csv"
    duplicated = _write(tmp_path, "dup.csv", PEOPLE + "m03,OT,5,Tue eve\n")
    status = main(["circles", "form", str(duplicated), "--size", "5-8", "-o", str(out)])
    assert status == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert "rows 5, 22: The id 'm03' appears 2 times" in err

    people = _write(tmp_path, "cohort.csv", PEOPLE)
    status = main(["circles", "form", str(people), "--size", "5-8", "--diverse", "grade"])
    assert status == 1
    assert "row 1: Unknown column 'grade'; the columns are: profession, band" in (
        capsys.readouterr().err
    )

    status = main(["circles", "form", str(people), "--size", "7-9", "-o", str(out)])
    assert status == 1 and not out.exists()
    assert "20 people cannot be split into circles of 7–9" in capsys.readouterr().err

    cannot = _write(tmp_path, "cannot.csv", "a,b\nm01,m02\nm01,nobody\n")
    status = main(["circles", "form", str(people), "--size", "5-8", "--cannot-link", str(cannot)])
    assert status == 1
    assert f"{cannot}: row 3: The cannot-link pair names 'nobody'" in capsys.readouterr().err

    empty = _write(tmp_path, "empty.csv", "")
    assert main(["circles", "form", str(empty), "--size", "5-8", "-o", str(out)]) == 1
    assert "the file is empty" in capsys.readouterr().err
    header_only = _write(tmp_path, "header.csv", "id,profession\n")
    assert main(["circles", "form", str(header_only), "--size", "5-8", "-o", str(out)]) == 1
    assert "There are no people in the file" in capsys.readouterr().err
    assert not out.exists()


def test_bad_options_exit_with_status_two(tmp_path, capsys):
    people = _write(tmp_path, "cohort.csv", PEOPLE)
    assert main(["circles", "form", str(people), "--size", "five"]) == 2
    assert "--size takes MIN-MAX" in capsys.readouterr().err
    assert main(["circles", "form", str(people), "--size", "8-5"]) == 2
    assert "smaller than the smallest" in capsys.readouterr().err
    args = ["circles", "form", str(people), "--size", "5-8", "--diverse", "band", "--alike", "band"]
    assert main(args) == 2
    assert "cannot be both diverse and alike" in capsys.readouterr().err


def test_the_installed_command_runs_without_django_settings_or_django(tmp_path):
    people = _write(tmp_path, "cohort.csv", PEOPLE)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = str(ALLIED)
    args = ["circles", "form", str(people), "--size", "5-8", "--diverse", "profession"]
    direct = subprocess.run([command, *args], capture_output=True, text=True, env=env, timeout=60)
    assert direct.returncode == 0, direct.stderr
    assert len(_rows(direct.stdout)) == 20
    # Run the same entry-point script in-process to see which modules it imported.
    probe = f"""
import runpy, sys
sys.argv = [{command!r}, *{args!r}, "--quiet"]
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
    assert len(_rows(run.stdout)) == 20
    assert "django not imported" in run.stderr
