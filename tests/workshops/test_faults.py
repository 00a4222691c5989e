"""Real processes, real faults: an app server killed with SIGKILL in the middle of voting, and
Redis stopping in the middle of a workshop. Nothing acknowledged may be lost or doubled."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.servers import free_port, start_uvicorn

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PEOPLE = 8


def environment(tmp_path: Path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SQLITE_PATH=str(tmp_path / "allied.sqlite3"),
        ALLIED_VAR_DIR=str(tmp_path),
        DEBUG="false",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def build_workshop(env: dict) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "tests.workshops.fault_setup", str(PEOPLE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_server(env: dict, port: int) -> subprocess.Popen:
    return start_uvicorn(env, port, Path(env["ALLIED_VAR_DIR"]) / "server.log")


def vote(port: int, site: dict, person: int, client_id: str, timeout: float = 5) -> int | None:
    """Returns the HTTP status of one participant's vote, or None when no answer came."""
    ideas = list(site["ideas"])
    random.Random(person).shuffle(ideas)
    fields = {"action": "vote", "phase_key": site["phase_key"], "client_id": client_id}
    fields.update({f"idea-{idea}": str(rank) for rank, idea in enumerate(ideas[:3], start=1)})
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/j/{site['code']}/act/",
        data=body,
        headers={
            "Accept": "application/json",
            "Cookie": f"{site['cookie_name']}={site['sessions'][person]}; csrftoken={'x' * 32}",
            "X-CSRFToken": "x" * 32,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def stored_ballots(env: dict) -> list[tuple[int, str]]:
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        return db.execute("SELECT participant_id, client_id FROM workshops_ballot").fetchall()


@pytest.mark.fuzz
def test_a_server_killed_during_voting_loses_no_acknowledged_vote_and_doubles_none(tmp_path):
    env = environment(tmp_path)
    site = build_workshop(env)
    port = free_port()
    server = start_server(env, port)
    client_ids = [uuid.uuid4().hex for _ in range(PEOPLE)]
    acknowledged: set[int] = set()
    try:
        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            futures = {}
            for person in range(PEOPLE):
                futures[person] = pool.submit(
                    vote, port, site, person, str(uuid.UUID(client_ids[person]))
                )
                if person == PEOPLE // 2:
                    server.send_signal(signal.SIGKILL)
            for person, future in futures.items():
                if future.result() == 200:
                    acknowledged.add(person)
        server.wait(timeout=10)
        assert len(acknowledged) < PEOPLE, "the kill landed after every vote; nothing was tested"
        # Every acknowledged vote survived the kill.
        survivors = {row[0] for row in stored_ballots(env)}
        assert len(survivors) >= len(acknowledged)

        server = start_server(env, port)
        # Every browser retries with the same submission id, acknowledged or not.
        for person in range(PEOPLE):
            assert vote(port, site, person, str(uuid.UUID(client_ids[person]))) == 200
        rows = stored_ballots(env)
        assert len(rows) == PEOPLE
        assert len({participant for participant, _ in rows}) == PEOPLE
        assert sorted(uuid.UUID(c).hex for _, c in rows) == sorted(client_ids)
    finally:
        server.kill()
        server.wait(timeout=10)


@pytest.mark.fuzz
@pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server to start a private Redis"
)
def test_voting_goes_on_over_plain_http_when_redis_stops(tmp_path):
    redis_port = free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = environment(tmp_path, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
    server = None
    try:
        site = build_workshop(environment(tmp_path))
        port = free_port()
        server = start_server(env, port)
        state_url = f"http://127.0.0.1:{port}/j/{site['code']}/state/"
        cookie = {"Cookie": f"{site['cookie_name']}={site['sessions'][0]}"}

        def state() -> dict:
            with urllib.request.urlopen(
                urllib.request.Request(state_url, headers=cookie), timeout=5
            ) as response:
                return json.loads(response.read())

        assert vote(port, site, 0, str(uuid.uuid4())) == 200
        before = state()
        redis.send_signal(signal.SIGKILL)
        redis.wait(timeout=10)
        for person in range(1, PEOPLE):
            assert vote(port, site, person, str(uuid.uuid4())) == 200
        after = state()
        assert after["question"]["votes_cast"] == PEOPLE
        assert after["version"] > before["version"]
        assert len(stored_ballots(env)) == PEOPLE
    finally:
        if server is not None:
            server.kill()
            server.wait(timeout=10)
        redis.kill()
        redis.wait(timeout=10)
