"""A backup made and restored with the commands docs/deployment.md gives holds everything:
every table has the same rows, and Allied serves the restored copy as it served the original.

The databases live in a PostgreSQL cluster of the test's own (tests/pg_cluster.py). The quick
test backs up a small database; `make test-deep` backs up the whole demo and compares the
programme's board figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.pg_cluster import (  # noqa: F401  (pg_cluster: a fixture)
    Browser,
    add_person,
    allied_env,
    manage,
    migrated_copy,
    pg_cluster,
)
from tests.servers import ROOT, free_port, start_uvicorn, stop

pytestmark = pytest.mark.postgres

PASSWORD = "a-long-backup-password"


def back_up_and_restore(cluster, url: str, folder) -> str:
    """Runs the deployment guide's commands; returns the restored copy's URL."""
    dump = folder / "allied.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", url],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    restored = cluster.create_database("restored")
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={restored}", str(dump)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return restored


def rows_per_table(url: str) -> dict[str, int]:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: database.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def numbers(value) -> list[int]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers(item)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def signed_in_dashboard(env: dict, folder, email: str, password: str = PASSWORD) -> str:
    port = free_port()
    server = start_uvicorn(env, port, folder / "server.log")
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.send("/sign-in/")
        status, body, _, _ = browser.send("/sign-in/", {"email": email, "password": password})
        assert status == 200, body[:2000]
        return body
    finally:
        stop(server)


def test_a_restored_backup_holds_every_row_and_is_served_as_the_original_was(
    pg_cluster,  # noqa: F811
    db,
    tmp_path,
):
    url = migrated_copy(pg_cluster)
    env = allied_env(url, tmp_path / "var")
    add_person(env, "pat.backup@example.org", PASSWORD, "Pat Backup")
    restored = back_up_and_restore(pg_cluster, url, tmp_path)
    restored_env = allied_env(restored, tmp_path / "var")
    manage(restored_env, "migrate", "--no-input", "-v0")

    original_rows = rows_per_table(url)
    assert original_rows["accounts_user"] == 1 and original_rows["django_migrations"] > 50
    assert rows_per_table(restored) == original_rows
    assert "Pat Backup" in signed_in_dashboard(restored_env, tmp_path, "pat.backup@example.org")


@pytest.mark.deep
def test_the_whole_demo_restored_gives_the_same_board_figures(
    pg_cluster,  # noqa: F811
    db,
    tmp_path,
):
    from allied.demo.organisation import DEMO_PASSWORD
    from allied.demo.programmes import PROGRAMME

    url = migrated_copy(pg_cluster)
    env = allied_env(url, tmp_path / "var")
    manage(env, "demo", "--quiet")
    restored = back_up_and_restore(pg_cluster, url, tmp_path)
    restored_env = allied_env(restored, tmp_path / "var")
    manage(restored_env, "migrate", "--no-input", "-v0")

    assert rows_per_table(restored) == rows_per_table(url)

    def board(environment) -> dict:
        """The programme's board report, whose figures are the dashboard's."""
        allied = Path(sys.executable).parent / "allied"
        done = subprocess.run(
            [str(allied), "report", PROGRAMME, "--format", "json"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        report.pop("generated")
        return report

    figures = board(env)
    assert any(count > 0 for count in numbers(figures)), "the demo's report has figures"
    assert board(restored_env) == figures
    dashboard = signed_in_dashboard(
        restored_env, tmp_path, "mentee@northbrook.example", DEMO_PASSWORD
    )
    assert "Northbrook" in dashboard
