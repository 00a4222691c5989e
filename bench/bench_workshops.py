"""Benchmark: live workshops under load, on one machine as production runs them.

20 workshops × 12 participants (240 clients; `--quick`: 2 × 4) against `uvicorn --workers 2`
sharing Redis and a scratch PostgreSQL database (created and dropped here). Every participant
joins through the pages, keeps its workshop's server-sent event stream (/j/<code>/events/)
open, and votes once through the API. Measured:

- fan-out: from a vote's API answer (the vote is stored) to each *other* participant's stream
  of that workshop announcing that version or a later one; p50 and p95;
- page response times (the participant's page and state endpoint) while that happens, against
  a peer measured in the same loop at the same moment: GET /healthz, the cheapest request the
  same servers answer. The ratio is the cost of our page over a request doing nothing;
- errors (any failed request, stream or missed announcement) and lost votes (an acknowledged
  vote missing from the database at the end).

Run `.venv/bin/python bench/bench_workshops.py [--quick]`. The last line printed is JSON; the
exit status is 1 when the aim (fan-out p95 < 300 ms, no errors, no lost votes) is missed.
Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis
(BENCH_REDIS, default redis://127.0.0.1:6379/5). Client and servers share the machine, so the
client's own scheduling is inside every number.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")
DATABASE = "allied_bench"
AIM_P95_MS = 300.0
TIMEOUT = 15.0
USER, PASSWORD = "facilitator@northbrook.example", "allied-demo-password"


# A little HTTP/1.1 over asyncio streams (the standard library has no async client) --------


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                found[key.strip()] = val.strip()
        return found

    def json(self) -> dict:
        return json.loads(self.body)


async def _head(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("The server closed the connection.")
    status = int(status_line.split()[1])
    headers = []
    while True:
        line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
        if not line:
            return status, headers
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))


def _request_bytes(host: str, method: str, path: str, headers: dict, body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"Content-Length: {len(body)}"] if method != "GET" else []
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_chunk(reader: asyncio.StreamReader) -> bytes:
    size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
    data = await reader.readexactly(size + 2)
    return data[:-2]


async def request(
    address: tuple[str, int],
    method: str,
    path: str,
    headers: dict | None = None,
    body: bytes = b"",
) -> Response:
    async def go() -> Response:
        reader, writer = await asyncio.open_connection(*address)
        try:
            host = f"{address[0]}:{address[1]}"
            writer.write(_request_bytes(host, method, path, headers or {}, body))
            await writer.drain()
            status, head = await _head(reader)
            if ("transfer-encoding", "chunked") in head:
                parts = []
                while chunk := await _read_chunk(reader):
                    parts.append(chunk)
                data = b"".join(parts)
            else:
                data = await reader.read()
            return Response(status, head, data)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    return await asyncio.wait_for(go(), TIMEOUT)


def _json_body(body: dict) -> tuple[dict, bytes]:
    return {"Content-Type": "application/json", "Accept": "application/json"}, json.dumps(
        body
    ).encode()


# The clients ----------------------------------------------------------------------------


class Participant:
    def __init__(self, workshop: Workshop, number: int):
        self.workshop, self.number = workshop, number
        self.cookies: dict[str, str] = {}
        self.seen: list[tuple[int, float]] = []  # (version, when it arrived)
        self.stream_open = asyncio.Event()
        self.stream_error: str | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def join(self, address) -> None:
        code = self.workshop.code
        page = await request(address, "GET", f"/join/{code}/")
        self.cookies.update(page.cookies())
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        body = urllib.parse.urlencode(
            {"consent": "on", "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        joined = await request(
            address,
            "POST",
            f"/join/{code}/",
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie_header(),
            },
            body,
        )
        if joined.status != 302:
            raise RuntimeError(f"Joining {code} answered {joined.status}")
        self.cookies.update(joined.cookies())

    async def follow(self, address, since: int) -> None:
        """Keeps the workshop's event stream open, noting when each version arrives."""
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(*address), TIMEOUT)
        except (OSError, TimeoutError) as exc:
            self.stream_error = f"connect: {exc}"
            self.stream_open.set()
            return
        try:
            path = f"/j/{self.workshop.code}/events/?since={since}"
            headers = {"Accept": "text/event-stream", "Cookie": self.cookie_header()}
            writer.write(_request_bytes(f"{address[0]}:{address[1]}", "GET", path, headers, b""))
            await writer.drain()
            status, head = await asyncio.wait_for(_head(reader), TIMEOUT)
            if status != 200:
                self.stream_error = f"status {status}"
                return
            chunked = ("transfer-encoding", "chunked") in head
            buffer = b""
            while True:
                data = await (_read_chunk(reader) if chunked else reader.read(4096))
                if not data:
                    return
                now = time.perf_counter()
                buffer += data
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    if not self.stream_open.is_set():
                        self.stream_open.set()  # the first message: the stream is listening
                    for line in event.decode().splitlines():
                        if line.startswith("id:"):
                            self.seen.append((int(line[3:].strip()), now))
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.stream_error = f"stream: {exc!r}"
        finally:
            self.stream_open.set()
            writer.close()

    def first_seen(self, version: int) -> float | None:
        return next((when for v, when in self.seen if v >= version), None)

    async def vote(self, address, ideas: list[int], k: int) -> tuple[int, float]:
        """Returns (the version the vote made, when its answer arrived)."""
        chosen = random.sample(ideas, k)
        headers, body = _json_body(
            {
                "action": "vote",
                "client_id": f"{random.getrandbits(128):032x}",
                "choices": {str(idea): rank for rank, idea in enumerate(chosen, 1)},
            }
        )
        headers.update(Cookie=self.cookie_header(), **{"X-CSRFToken": self.cookies["csrftoken"]})
        response = await request(
            address, "POST", f"/api/j/{self.workshop.code}/act/", headers, body
        )
        if response.status != 200:
            raise RuntimeError(f"A vote answered {response.status}: {response.body[:200]!r}")
        return response.json()["version"], time.perf_counter()


class Workshop:
    def __init__(self, pk: int, code: str):
        self.pk, self.code = pk, code
        self.participants: list[Participant] = []
        self.ideas: list[int] = []


async def facilitate(address, bearer: str, size: int) -> Workshop:
    auth = {"Authorization": bearer}

    async def call(method, path, body=None):
        headers, data = _json_body(body or {})
        response = await request(address, method, path, {**headers, **auth}, data)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.body[:200]!r}")
        return response.json()

    created = await call(
        "POST",
        "/api/organisations/northbrook-valley-demo/workshops/",
        {"title": "Bench", "questions": ["What matters?"], "k": 3},
    )
    workshop = Workshop(created["id"], created["join_code"])
    workshop.participants = [Participant(workshop, n + 1) for n in range(size)]
    for participant in workshop.participants:
        await participant.join(address)
    act = f"/api/workshops/{workshop.pk}/act/"
    await call("POST", f"/api/workshops/{workshop.pk}/start/")
    for _ in range(2):
        await call("POST", act, {"action": "phase_next"})
    for number in range(1, 6):
        participant = f"P{(number - 1) % size + 1}"
        await call(
            "POST", act, {"action": "turn", "participant": participant, "text": f"Idea {number}"}
        )
    for _ in range(2):
        await call("POST", act, {"action": "phase_next"})
    state = await call("GET", f"/api/workshops/{workshop.pk}/state/")
    workshop.ideas = [idea["id"] for idea in state["question"]["ideas"]]
    workshop.version = state["version"]
    return workshop


async def timed_get(address, path: str, headers: dict | None = None) -> float:
    started = time.perf_counter()
    response = await request(address, "GET", path, headers)
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


async def run_load(address, workshops_count: int, size: int, spread: float) -> dict:
    headers, body = _json_body({"email": USER, "password": PASSWORD, "name": "bench"})
    token = (await request(address, "POST", "/api/tokens/", headers, body)).json()["token"]
    bearer = f"Bearer {token}"
    workshops = await asyncio.gather(
        *(facilitate(address, bearer, size) for _ in range(workshops_count))
    )
    everyone = [p for w in workshops for p in w.participants]
    followers = [
        asyncio.create_task(p.follow(address, w.version)) for w in workshops for p in w.participants
    ]
    await asyncio.wait_for(asyncio.gather(*(p.stream_open.wait() for p in everyone)), 30)
    errors = [
        f"P{p.number}@{p.workshop.code}: {p.stream_error}" for p in everyone if p.stream_error
    ]

    page_ms: list[float] = []
    state_ms: list[float] = []
    peer_ms: list[float] = []
    acknowledged: list[tuple[Participant, int, float]] = []
    stop = asyncio.Event()

    async def browse(participant: Participant) -> None:
        """The same loop alternates our pages with the peer, so both see the same load."""
        cookie = {"Cookie": participant.cookie_header()}
        code = participant.workshop.code
        while not stop.is_set():
            try:
                page_ms.append(await timed_get(address, f"/j/{code}/", cookie))
                peer_ms.append(await timed_get(address, "/healthz"))
                state_ms.append(await timed_get(address, f"/j/{code}/state/", cookie))
                peer_ms.append(await timed_get(address, "/healthz"))
            except (RuntimeError, OSError, TimeoutError) as exc:
                errors.append(f"page: {exc!r}")
            await asyncio.sleep(0.2)

    async def vote(participant: Participant) -> None:
        await asyncio.sleep(random.uniform(0, spread))
        try:
            version, when = await participant.vote(address, participant.workshop.ideas, 3)
            acknowledged.append((participant, version, when))
        except (RuntimeError, OSError, TimeoutError) as exc:
            errors.append(f"vote: {exc!r}")

    browsers = [asyncio.create_task(browse(w.participants[0])) for w in workshops]
    started = time.perf_counter()
    await asyncio.gather(*(vote(p) for p in everyone))
    voting_seconds = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*browsers)

    # Let the last announcements arrive (bounded), then measure.
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        if all(
            other.first_seen(version) is not None
            for p, version, _ in acknowledged
            for other in p.workshop.participants
            if other is not p
        ):
            break
        await asyncio.sleep(0.1)
    fan_out: list[float] = []
    missed = 0
    for participant, version, when in acknowledged:
        for other in participant.workshop.participants:
            if other is participant:
                continue
            seen = other.first_seen(version)
            if seen is None:
                missed += 1
            else:
                fan_out.append(max(0.0, (seen - when) * 1000))
    for task in followers:
        task.cancel()
    await asyncio.gather(*followers, return_exceptions=True)
    if missed:
        errors.append(f"{missed} announcements never reached a stream")
    return {
        "workshops": workshops,
        "acknowledged": acknowledged,
        "fan_out": fan_out,
        "page_ms": page_ms,
        "state_ms": state_ms,
        "peer_ms": peer_ms,
        "errors": errors,
        "voting_seconds": voting_seconds,
    }


# The servers and the scratch database -----------------------------------------------------


def psql(sql: str, database: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(
        f"{PG.replace('postgres://', 'postgresql://')}/{database}", autocommit=True
    ) as c:
        cursor = c.execute(sql)
        return cursor.fetchall() if cursor.description else []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def servers(var_dir: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SQLITE_PATH"}
        and not k.startswith("ALLIED_")
    }
    env.update(
        DATABASE_URL=f"{PG}/{DATABASE}",
        REDIS_URL=REDIS,
        ALLIED_VAR_DIR=str(var_dir),
        ALLIED_ENVIRONMENT="development",
        DJANGO_SETTINGS_MODULE="allied.settings",
    )
    for command in (["migrate", "--no-input", "-v0"], ["demo", "--quiet"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )
    port = free_port()
    log = var_dir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "allied.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
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
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"The servers stopped:\n{log.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("The servers did not start in 30 s.") from None
                time.sleep(0.1)
        time.sleep(1.0)  # both workers up
        yield ("127.0.0.1", port), log
    except BaseException:
        print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def stored_votes(workshop_ids: list[int]) -> set[tuple[int, int]]:
    ids = ",".join(str(i) for i in workshop_ids)
    rows = psql(
        "SELECT q.workshop_id, p.number FROM workshops_ballot b "
        "JOIN workshops_question q ON q.id = b.question_id "
        "JOIN workshops_participant p ON p.id = b.participant_id "
        f"WHERE q.workshop_id IN ({ids})",
        DATABASE,
    )
    return {(w, n) for w, n in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 workshops × 4, for a smoke test")
    args = parser.parse_args(argv)
    count, size, spread = (2, 4, 2.0) if args.quick else (20, 12, 10.0)
    random.seed(20240611)
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    try:
        with tempfile.TemporaryDirectory() as var, servers(Path(var)) as (address, log):
            print(f"{count} workshops × {size} participants on 2 workers...", file=sys.stderr)
            run = asyncio.run(run_load(address, count, size, spread))
            stored = stored_votes([w.pk for w in run["workshops"]])
            server_errors = [
                line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line
            ]
            kept = Path(tempfile.gettempdir()) / "allied-bench-workshops.log"
            shutil.copy(log, kept)
            print(f"The servers' log is in {kept}.", file=sys.stderr)
    finally:
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    acked = {(p.workshop.pk, p.number) for p, _, _ in run["acknowledged"]}
    lost = len(acked - stored)
    errors = run["errors"] + [f"server: {line}" for line in server_errors]
    fan_out, peer = run["fan_out"], run["peer_ms"]
    peer_p95 = percentile(peer, 95)
    result = {
        "benchmark": "workshops",
        "workshops": count,
        "participants": count * size,
        "votes_acknowledged": len(acked),
        "votes_stored": len(stored),
        "lost_votes": lost,
        "errors": len(errors),
        "voting_seconds": round(run["voting_seconds"], 2),
        "fan_out_deliveries": len(fan_out),
        "fan_out_p50_ms": round(percentile(fan_out, 50), 1),
        "fan_out_p95_ms": round(percentile(fan_out, 95), 1),
        "page_p50_ms": round(percentile(run["page_ms"], 50), 1),
        "page_p95_ms": round(percentile(run["page_ms"], 95), 1),
        "state_p50_ms": round(percentile(run["state_ms"], 50), 1),
        "state_p95_ms": round(percentile(run["state_ms"], 95), 1),
        "peer_healthz_p50_ms": round(percentile(peer, 50), 1),
        "peer_healthz_p95_ms": round(peer_p95, 1),
        "page_p95_ratio_to_peer": round(percentile(run["page_ms"], 95) / peer_p95, 2),
        "state_p95_ratio_to_peer": round(percentile(run["state_ms"], 95) / peer_p95, 2),
        "fan_out_p95_ratio_to_peer": round(percentile(fan_out, 95) / peer_p95, 2),
        "aim_fan_out_p95_ms": AIM_P95_MS,
    }
    result["ok"] = bool(
        fan_out
        and percentile(fan_out, 95) < AIM_P95_MS
        and not errors
        and lost == 0
        and len(acked) == count * size
    )
    for error in errors[:20]:
        print(f"error: {error}", file=sys.stderr)
    print(
        f"fan-out p50 {result['fan_out_p50_ms']} ms, p95 {result['fan_out_p95_ms']} ms over "
        f"{len(fan_out)} deliveries; page p95 {result['page_p95_ms']} ms "
        f"({result['page_p95_ratio_to_peer']}× /healthz); {lost} lost votes.",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
