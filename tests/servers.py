"""Real app servers for tests that need processes of their own: a free port, uvicorn started
and waited for, and stopped whatever happens."""

from __future__ import annotations

import socket
import subprocess
import sys
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
