"""`allied workshop rehearse` against a real server prints what `allied ngt tally` prints.

The server is uvicorn serving allied.asgi (as `allied serve` does) on a free port, with its
own SQLite database in a temporary directory, migrated and loaded with the demo. Rehearse
prints idea names as the ballots file spells them (it takes off the workshop's "N. "
numbering) and the workshop's question text, so the comparison is of everything but the
question's wording, which the file here does not give.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, start_uvicorn, stop

# Its server has a SQLite database of its own, whatever the pass's DATABASE_URL: once is enough.
pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[2]

BALLOTS = """participant,idea,rank,theme
ana,Trust between mentor and mentee,1,Relationship
ana,Sponsorship into senior roles,2,Careers
ana,Talking openly about racism,3,Race
ben,Talking openly about racism,1,Race
ben,Trust between mentor and mentee,2,Relationship
ben,Protected time,3,Relationship
cat,Sponsorship into senior roles,1,Careers
cat,Talking openly about racism,2,Race
cat,A mentor who shares your background,3,Race
dev,Protected time,1,Relationship
dev,Trust between mentor and mentee,2,Relationship
eve,Talking openly about racism,1,Race
eve,Trust between mentor and mentee,2,Relationship
eve,Sponsorship into senior roles,3,Careers
"""


def test_rehearse_prints_the_same_results_as_ngt_tally(tmp_path):
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(BALLOTS, encoding="utf-8")
    with server(tmp_path) as url:
        rehearsed = run_allied(
            tmp_path,
            ["workshop", "rehearse", "--url", url, "--ballots", str(ballots), "--k", "3"],
        )
    tallied = run_allied(tmp_path, ["ngt", "tally", str(ballots), "--k", "3", "--format", "json"])
    assert rehearsed.returncode == 0, rehearsed.stderr
    assert tallied.returncode == 0, tallied.stderr
    assert "shares: Protected time" in rehearsed.stderr  # progress goes to stderr
    ours, theirs = json.loads(rehearsed.stdout), json.loads(tallied.stdout)
    assert ours["scheme"] == theirs["scheme"] and ours["tie_break"] == theirs["tie_break"]
    [mine], [file] = ours["questions"], theirs["questions"]
    assert mine["question"].startswith("What do you consider")
    assert file["question"] is None
    for key in ("round", "group", "voters", "ideas_on_ballot", "agreement"):
        assert mine[key] == file[key], key
    # Ideas tied on every tie-break share a rank and may be listed in another order.
    assert by_name(mine["ideas"], "idea") == by_name(file["ideas"], "idea")
    assert by_name(mine["themes"], "theme") == by_name(file["themes"], "theme")
    assert [i["idea"] for i in mine["ideas"]][:2] == [
        "Talking openly about racism",
        "Trust between mentor and mentee",
    ]


def test_rehearse_reports_a_bad_ballots_file_without_touching_the_server(tmp_path):
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("participant,idea,rank\nana,Trust,1\nana,Time,1\n", encoding="utf-8")
    result = run_allied(
        tmp_path,
        ["workshop", "rehearse", "--url", "http://127.0.0.1:9", "--ballots", str(ballots)],
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "ana" in result.stderr


def by_name(rows: list[dict], key: str) -> dict:
    return {row[key]: {k: v for k, v in row.items() if k != key} for row in rows}


def run_allied(tmp_path: Path, argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "allied", *argv],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        and not name.startswith("ALLIED_")
    }
    env.update(
        SQLITE_PATH=str(tmp_path / "allied.sqlite3"),
        ALLIED_VAR_DIR=str(tmp_path),
        ALLIED_ENVIRONMENT="development",
        DJANGO_SETTINGS_MODULE="allied.settings",
    )
    return env


@contextlib.contextmanager
def server(tmp_path: Path) -> Iterator[str]:
    """Yields the URL of a migrated, demo-loaded Allied served by uvicorn."""
    env = environment(tmp_path)
    for command in (["migrate", "--no-input", "-v0"], ["demo", "--quiet"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120
        )
    port = free_port()
    process = start_uvicorn(env, port, tmp_path / "server.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
