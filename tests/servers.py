"""Real app servers for tests that need processes of their own: a free port, uvicorn started
and waited for, and stopped whatever happens."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_uvicorn(
    env: dict, port: int, log: Path, app: str = "allied.asgi:application"
) -> subprocess.Popen:
    """Returns a uvicorn process serving `app` on 127.0.0.1:`port`, once it accepts
    connections (at most 20 seconds); its output goes to `log`."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
             "--lifespan", "off", "--log-level", "warning", "--timeout-graceful-shutdown", "1"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"The server stopped:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            if time.monotonic() > deadline:
                stop(process)
                pytest.fail(f"The server did not start in 20 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    """Stops the process: politely, then firmly after 5 seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class AsgiLiveServer:
    """Allied's ASGI application served by uvicorn in a thread of the test process, as
    `allied serve` serves it: event streams stream, so a live page hears of a change as soon
    as it is committed, as in production (Django's own live server speaks WSGI, where streams
    answer once and pages fall back to polling every 2 s).

    The server shares the test process's settings (a test's overrides reach it) and reads the
    test database over connections of its own, so tests using it are transactional. It
    stands in for pytest-django's `live_server` (same `url`, and the settings its helper
    enables for each test)."""

    streams = True

    def __init__(self) -> None:
        import uvicorn
        from django.test.utils import modify_settings

        from allied.asgi import application

        self.port = free_port()
        config = uvicorn.Config(
            application,  # static files too, by WhiteNoise, as in production
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        # The name pytest-django's `_live_server_helper` enables and disables for each test.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        self.thread = threading.Thread(target=self.server.run, name="asgi-live-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    "The test's ASGI server did not start in 20 s (its error is printed above)."
                )
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __str__(self) -> str:
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
