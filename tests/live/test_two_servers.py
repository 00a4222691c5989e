"""Two real app servers sharing announcements through Redis, as `allied serve --workers 2`
runs them: a change made through server A reaches an event stream open on server B.

The servers are uvicorn processes running tests/live/live_site.py (Allied's settings and
middleware around allied.live, plus test-only URLs). Their database safety net is set to 30
seconds, so an update arriving within a second can only have come through Redis.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/3"


def test_an_announcement_made_on_one_server_reaches_a_stream_on_another_within_a_second(
    tmp_path,
):
    channel = f"test-{uuid.uuid4().hex}"
    with sqlite3.connect(tmp_path / "live.sqlite3") as database:
        database.execute("CREATE TABLE live_version (channel TEXT PRIMARY KEY, version INTEGER)")
        database.execute("INSERT INTO live_version VALUES (?, 0)", [channel])

    with servers(tmp_path, count=2) as (a, b), contextlib.ExitStack() as streams:
        stream = streams.enter_context(event_stream(b, f"/events/{channel}/?since=0"))
        # The first message says the stream is open and B's Redis subscriber is listening.
        first = stream.next_message()
        assert "retry" in first and first.get("comment") == "heartbeat"

        started = time.monotonic()
        assert request_json(a, "POST", f"/bump/{channel}/") == {"version": 1}
        message = stream.next_message()
        elapsed = time.monotonic() - started

        assert message == {"id": "1", "event": "version", "data": '{"version": 1}'}
        assert elapsed < 1.0
        assert request_json(b, "GET", f"/state/{channel}/") == {"version": 1}


def test_a_client_reconnecting_to_another_server_catches_up_from_its_last_version(tmp_path):
    channel = f"test-{uuid.uuid4().hex}"
    with sqlite3.connect(tmp_path / "live.sqlite3") as database:
        database.execute("CREATE TABLE live_version (channel TEXT PRIMARY KEY, version INTEGER)")
        database.execute("INSERT INTO live_version VALUES (?, 0)", [channel])

    with servers(tmp_path, count=2) as (a, b):
        for _ in range(3):
            request_json(a, "POST", f"/bump/{channel}/")
        # EventSource reconnects to the URL it first had, adding the last id it saw.
        headers = {"Last-Event-ID": "1"}
        with event_stream(b, f"/events/{channel}/?since=0", headers) as stream:
            message = stream.next_message()

    assert message["id"] == "3" and json.loads(message["data"]) == {"version": 3}


@contextlib.contextmanager
def servers(tmp_path: Path, *, count: int) -> Iterator[list[str]]:
    """Yields the host:port of `count` uvicorn processes sharing one database and Redis."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        REDIS_URL=REDIS_URL,
        SQLITE_PATH=str(tmp_path / "live.sqlite3"),
        ALLIED_VAR_DIR=str(tmp_path),
        ALLIED_ENVIRONMENT="development",
    )
    processes: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for number in range(count):
            port = free_port()
            log = tmp_path / f"server-{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "live_site:application",
                        "--app-dir",
                        str(ROOT / "tests" / "live"),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--lifespan",
                        "off",
                        "--log-level",
                        "warning",
                        "--timeout-graceful-shutdown",
                        "1",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append((process, f"127.0.0.1:{port}", log))
        for process, host, log in processes:
            wait_until_listening(process, host, log)
        yield [host for _process, host, _log in processes]
    finally:
        for process, _host, _log in processes:
            process.terminate()
        for process, _host, _log in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_until_listening(process: subprocess.Popen, host: str, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server on {host} stopped:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError):
            socket.create_connection(tuple(host.split(":")), timeout=0.5).close()
            return
        time.sleep(0.05)
    pytest.fail(f"The server on {host} did not start in 15 s:\n{log.read_text(errors='replace')}")


def request_json(host: str, method: str, path: str) -> dict:
    connection = http.client.HTTPConnection(host, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        assert response.status == 200, response.read()
        return json.loads(response.read())
    finally:
        connection.close()


class EventStream:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response = response

    def next_message(self) -> dict[str, str]:
        """Returns the next server-sent event's fields; a comment line is field `comment`.
        Waits at most the connection's 5-second timeout for each line."""
        fields: dict[str, str] = {}
        for _ in range(20):
            line = self.response.readline().decode().rstrip("\n")
            if not line:
                return fields
            name, _, value = line.partition(":")
            fields[name or "comment"] = value.strip()
        raise AssertionError(f"An event with too many lines: {fields}")


@contextlib.contextmanager
def event_stream(host: str, path: str, headers: dict | None = None) -> Iterator[EventStream]:
    connection = http.client.HTTPConnection(host, timeout=5)
    try:
        connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Cache-Control"] == "no-cache"
        yield EventStream(response)
    finally:
        connection.close()
