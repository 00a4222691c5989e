"""A PostgreSQL cluster of a test's own, in a temporary folder on a port of its own, to stop
and start at will: the server the suite uses is never touched."""

from __future__ import annotations

import glob
import http.cookiejar
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        pytest.fail(f"{name} is not installed (Debian's postgresql package provides it).")
    return found


class Cluster:
    """initdb, pg_ctl start and stop. As root, PostgreSQL's tools run as the postgres user,
    which is the only way they run at all."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self.as_postgres, _binary(tool), *args],
            capture_output=True, text=True, timeout=120, cwd=self.folder,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(f"{tool} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def tool(self, tool: str, *args: str) -> None:
        """Runs one of PostgreSQL's client tools against this cluster."""
        self._run(tool, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args)


@pytest.fixture
def pg_cluster():
    # Directly under the system's temporary folder: the postgres user must reach it, and
    # pytest's own temporary folders are the current user's alone.
    folder = Path(tempfile.mkdtemp(prefix="allied-pg-"))
    try:
        cluster = Cluster(folder)
        cluster.start()
        yield cluster
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def migrated_copy(cluster) -> str:
    """Returns the URL of a database in `cluster` holding the suite's migrated schema (the
    test database, which the `db` fixture has made)."""
    from django.db import connection

    suite = connection.settings_dict
    dump = cluster.folder / "schema.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "-h", suite["HOST"] or "127.0.0.1", "-p", str(suite["PORT"] or 5432),
         "-U", suite["USER"] or "postgres", "-f", str(dump), suite["NAME"]],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    url = cluster.create_database("allied")
    cluster.tool("pg_restore", "--no-owner", "-d", "allied", str(dump))
    return url


class Browser:
    """A person's browser: cookies kept, each answer's status, body and seconds taken."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def send(self, path: str, form: dict | None = None, headers: dict | None = None):
        data = None if form is None else urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if form is not None and "Authorization" not in (headers or {}):
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base + path)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body = response.status, response.read().decode()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
            content_type = error.headers.get("Content-Type", "")
        return status, body, content_type, time.monotonic() - started


def allied_env(url: str, var: Path) -> dict:
    """The environment of an Allied process using the database at `url`."""
    keep = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**keep, "DATABASE_URL": url, "ALLIED_VAR_DIR": str(var)}


def manage(env: dict, *args: str) -> str:
    """Runs manage.py with `env`; returns its output, failing the test with its errors."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def add_person(env: dict, email: str, password: str, name: str) -> None:
    manage(
        env, "shell", "-c",
        "from allied.accounts.models import User; "
        f"User.objects.create_user({email!r}, {password!r}, full_name={name!r})",
    )  # fmt: skip
