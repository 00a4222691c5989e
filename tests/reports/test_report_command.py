"""`allied report PROGRAMME --from DATE --to DATE --format pdf|xlsx|json [--output FILE]`:
the board report from the command line, and its exit statuses."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from allied.cli import build_parser
from allied.commands import report
from tests.reports.helpers import Builder, known_programme

pytestmark = pytest.mark.django_db


def run(*argv):
    """Runs the command in this process (on the test database); returns (status, out, err)."""
    args = build_parser(only="report").parse_args(["report", *argv])
    out, err = io.StringIO(), io.StringIO()
    status = report.main(args, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_json_by_id_goes_to_standard_output(world):
    b, _ = known_programme(world, timezone.now())
    status, out, err = run(str(b.programme.pk), "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["title"] == "Board report: Evaluation programme"
    assert data["period"]["from"] is None
    flat = {f["key"]: f["value"] for g in data["measures"] for f in g["figures"]}
    assert flat["matching.matched"] == "20"
    assert "about 67% were matched with a mentor" in " ".join(data["summary"])


def test_a_pdf_by_exact_name_for_a_period_is_written_to_the_file(world, tmp_path):
    known_programme(world, timezone.now())
    target = tmp_path / "board.pdf"
    status, out, err = run(
        "Evaluation programme",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    assert status == 0, err
    assert "Wrote the board report for Evaluation programme (from 1 January 2026 to 31 " in out
    assert target.read_bytes().startswith(b"%PDF-")


def test_xlsx_without_output_is_named_after_the_programme_and_period(world, tmp_path, monkeypatch):
    b, _ = known_programme(world, timezone.now())
    monkeypatch.chdir(tmp_path)
    status, _, err = run(str(b.programme.pk), "--from", "2026-01-01", "--format", "xlsx")
    assert status == 0, err
    written = sorted(Path(tmp_path).glob("*.xlsx"))
    assert [p.name for p in written] == [
        f"programme-{b.programme.pk}-board-report-2026-01-01-to-"
        f"{timezone.localdate().isoformat()}.xlsx"
    ]
    book = load_workbook(written[0])
    assert book["Headline measures"]["A1"].value == "Board report: Evaluation programme"


def test_a_name_several_programmes_share_is_refused_with_the_list(world, tmp_path):
    now = timezone.now()
    first, _ = known_programme(world, now)
    second = Builder(world, now)  # also "Evaluation programme"
    status, out, err = run("Evaluation programme", "--format", "json")
    assert status == 2
    assert out == ""
    assert "2 programmes are called 'Evaluation programme'; give the id" in err
    assert f"  {first.programme.pk}: Evaluation programme (Alder Trust)" in err
    assert f"  {second.programme.pk}: Evaluation programme (Alder Trust)" in err
    assert "Nothing was written." in err


def test_an_unknown_programme_is_refused_with_similar_names(world):
    known_programme(world, timezone.now())
    status, _, err = run("evaluation", "--format", "json")
    assert status == 2
    assert "No programme has the id or name 'evaluation'." in err
    assert "Evaluation programme (Alder Trust)" in err
    status, _, err = run("999999", "--format", "json")
    assert status == 2
    assert "No programme has the id or name '999999'." in err


@pytest.mark.parametrize(
    "dates, message",
    [
        (["--from", "2026-13-01"], "--from: Enter the from date as a real date, like 2026-03-27."),
        (["--to", "tomorrow"], "--to: Enter the to date as a real date, like 2026-03-27."),
        (
            ["--from", "2026-06-01", "--to", "2026-01-01"],
            "--to: The to date must be the same as or after the from date.",
        ),
        (["--from", "1990-01-01"], "--from: Enter a from date between 1 January 2000 and"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message_and_nothing_written(
    world, tmp_path, dates, message
):
    b, _ = known_programme(world, timezone.now())
    target = tmp_path / "out.json"
    status, _, err = run(str(b.programme.pk), *dates, "--format", "json", "--output", str(target))
    assert status == 2
    assert message in err
    assert not target.exists()


def test_a_missing_folder_is_refused(world, tmp_path):
    b, _ = known_programme(world, timezone.now())
    status, _, err = run(
        str(b.programme.pk), "--format", "pdf", "--output", str(tmp_path / "nowhere" / "x.pdf")
    )
    assert status == 2
    assert "does not exist" in err


def test_an_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser(only="report").parse_args(["report", "1", "--format", "docx"])
    assert exit.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


def test_the_command_line_does_not_load_django_until_the_report_runs():
    """`allied --help` stays quick: registering `report` imports no Django."""
    probe = (
        "import sys; from allied.cli import build_parser; build_parser(); "
        "print('django' in sys.modules, 'matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False False"
