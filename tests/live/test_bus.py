"""allied.live.bus: announcements after commit, waits that hear them (through this process,
through Redis, or by re-reading the database), and the event stream built on them.

`Truth` stands in for the caller's database read: the version a live page's state has now.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
import redis
from django.db import connections, transaction
from django.test import AsyncRequestFactory, RequestFactory

from allied.live import announce, event_stream_response, requested_since, wait_for_version

REDIS_URL = "redis://127.0.0.1:6379/2"


@dataclass
class Truth:
    version: int = 0
    reads: int = 0
    first_read: threading.Event = field(default_factory=threading.Event)

    def read_sync(self) -> int:
        self.reads += 1
        self.first_read.set()
        return self.version

    async def read(self) -> int:
        return self.read_sync()


class Listener:
    """`wait_for_version` running on its own event loop in another thread, as a stream runs
    on the server's loop while announcements come from request threads."""

    def __init__(self, channel: str, since: int, truth: Truth, timeout: float) -> None:
        self.version: int | None = None
        self.seconds: float | None = None
        self._thread = threading.Thread(
            target=self._run, args=(channel, since, truth, timeout), daemon=True
        )
        self._thread.start()
        # Its first read comes after it has started listening: nothing later can be missed.
        assert truth.first_read.wait(5)

    def _run(self, channel: str, since: int, truth: Truth, timeout: float) -> None:
        started = time.monotonic()
        self.version = asyncio.run(wait_for_version(channel, since, truth.read, timeout))
        self.seconds = time.monotonic() - started

    def is_waiting(self) -> bool:
        return self._thread.is_alive()

    def result(self) -> tuple[int | None, float | None]:
        self._thread.join(15)
        assert not self._thread.is_alive()
        return self.version, self.seconds


class Rollback(Exception):
    pass


def new_channel() -> str:
    return f"test-{uuid.uuid4().hex}"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_announcement_after_commit_wakes_a_listener_in_this_process(transactional_db, settings):
    settings.REDIS_URL = None
    settings.LIVE_DB_CHECK_SECONDS = 30  # so only the announcement can wake it in time
    truth, channel = Truth(), new_channel()
    listener = Listener(channel, since=0, truth=truth, timeout=10)

    with transaction.atomic():
        truth.version = 1
        announce(channel, 1)
        time.sleep(0.3)
        assert listener.is_waiting()  # nothing is announced before the commit

    version, seconds = listener.result()
    assert version == 1
    assert seconds < 1.5


def test_an_announcement_in_a_rolled_back_transaction_announces_nothing(transactional_db, settings):
    settings.REDIS_URL = None
    settings.LIVE_DB_CHECK_SECONDS = 30
    truth, channel = Truth(), new_channel()
    listener = Listener(channel, since=0, truth=truth, timeout=0.5)

    with pytest.raises(Rollback), transaction.atomic():
        announce(channel, 1)
        raise Rollback

    assert listener.result()[0] == 0
    assert truth.reads == 2  # the first read and the one at the timeout: never woken


def test_a_listener_that_is_behind_gets_the_current_version_at_once(settings):
    settings.REDIS_URL = None
    truth = Truth(version=5)

    started = time.monotonic()
    version = asyncio.run(wait_for_version(new_channel(), 3, truth.read, timeout=10))

    assert version == 5
    assert time.monotonic() - started < 0.5
    assert truth.reads == 1


def test_a_listener_that_hears_nothing_returns_the_latest_version_after_its_timeout(settings):
    settings.REDIS_URL = None
    settings.LIVE_DB_CHECK_SECONDS = 0.1
    truth = Truth(version=5)

    started = time.monotonic()
    version = asyncio.run(wait_for_version(new_channel(), 5, truth.read, timeout=0.35))

    assert version == 5
    assert 0.35 <= time.monotonic() - started < 1
    assert truth.reads >= 4  # the database was re-read every 0.1 s meanwhile


def test_with_redis_unreachable_announce_does_not_raise_and_listeners_fall_back_to_the_database(
    transactional_db, settings
):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.LIVE_DB_CHECK_SECONDS = 0.2
    truth, channel = Truth(), new_channel()
    listener = Listener(channel, since=0, truth=truth, timeout=10)

    with transaction.atomic():
        announce(new_channel(), 1)  # another page's change: Redis is down, nothing raises

    # A change made on another server, whose announcement cannot reach this one.
    truth.version = 1
    version, seconds = listener.result()
    assert version == 1
    assert seconds < 1.5


@pytest.mark.redis
def test_announce_publishes_the_version_to_redis_after_commit(transactional_db, settings):
    settings.REDIS_URL = REDIS_URL
    channel = new_channel()
    subscriber = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(f"allied:live:{channel}")
    try:
        assert subscriber.get_message(timeout=1) is None  # takes the confirmation

        with transaction.atomic():
            announce(channel, 7)
            assert subscriber.get_message(timeout=0.2) is None

        message = None
        for _ in range(20):
            message = subscriber.get_message(timeout=0.1)
            if message is not None:
                break
        assert message is not None and message["data"] == b"7"
    finally:
        subscriber.close()


@pytest.mark.redis
def test_a_publish_from_another_process_reaches_a_listener_through_redis(settings):
    settings.REDIS_URL = REDIS_URL
    settings.LIVE_DB_CHECK_SECONDS = 30  # so only Redis can wake it in time
    truth, channel = Truth(), new_channel()
    listener = Listener(channel, since=0, truth=truth, timeout=10)

    truth.version = 1
    # What announce() sends from another server process once its transaction commits.
    redis.Redis.from_url(REDIS_URL).publish(f"allied:live:{channel}", "1")

    version, seconds = listener.result()
    assert version == 1
    assert seconds < 1.5


def first_chunks(
    request, truth: Truth, count: int, channel: str = "", arrivals: list | None = None, **options
) -> list[bytes]:
    """Returns the first `count` chunks of the event stream (fewer if it ends), noting in
    `arrivals` the seconds after the start at which each came."""
    started = time.monotonic()

    async def read() -> list[bytes]:
        response = event_stream_response(
            request, channel or new_channel(), requested_since(request), truth.read_sync, **options
        )
        assert response["Content-Type"] == "text/event-stream"
        assert response["Cache-Control"] == "no-cache"
        assert response["X-Accel-Buffering"] == "no"
        chunks = []
        content = aiter(response.streaming_content)
        try:
            async for chunk in content:
                chunks.append(chunk)
                if arrivals is not None:
                    arrivals.append(time.monotonic() - started)
                if len(chunks) == count:
                    break
        finally:
            await content.aclose()
        return chunks

    return asyncio.run(read())


def test_the_event_stream_first_sends_the_current_version_to_a_client_that_is_behind(settings):
    settings.REDIS_URL = None
    request = AsyncRequestFactory().get("/live/events/", {"since": "1"})

    chunks = first_chunks(request, Truth(version=3), count=1)

    assert chunks == [b'retry: 2000\nid: 3\nevent: version\ndata: {"version": 3}\n\n']


def test_the_event_stream_prefers_last_event_id_to_the_since_parameter(settings):
    settings.REDIS_URL = None
    request = AsyncRequestFactory().get(
        "/live/events/", {"since": "1"}, headers={"Last-Event-ID": "3"}
    )

    chunks = first_chunks(request, Truth(version=3), count=1)

    assert chunks == [b"retry: 2000\n: heartbeat\n\n"]


def test_the_event_stream_announces_newer_versions_beats_while_idle_and_ends(
    transactional_db, settings
):
    settings.REDIS_URL = None
    settings.LIVE_DB_CHECK_SECONDS = 30  # so only the announcement can wake it in time
    truth, channel = Truth(version=0), new_channel()
    request = AsyncRequestFactory().get("/live/events/")

    def change() -> None:
        truth.first_read.wait(5)
        time.sleep(0.2)
        try:
            with transaction.atomic():
                truth.version = 1
                announce(channel, 1)
        finally:
            connections.close_all()  # this thread's own connection

    threading.Thread(target=change, daemon=True).start()
    arrivals: list[float] = []
    chunks = first_chunks(
        request, truth, 10, channel=channel, arrivals=arrivals, heartbeat=0.8, lifetime=1.5
    )

    assert chunks[0] == b"retry: 2000\n: heartbeat\n\n"
    assert chunks[1] == b'id: 1\nevent: version\ndata: {"version": 1}\n\n'
    assert arrivals[1] < 0.6  # woken by the announcement at 0.2 s, not the beat at 0.8 s
    assert b": heartbeat\n\n" in chunks[2:]
    assert len(chunks) < 10  # it ended of its own accord, after about its lifetime
    assert 1.3 <= arrivals[-1] < 2


def test_under_wsgi_the_event_stream_answers_at_once_and_closes(settings):
    truth = Truth(version=3)

    behind = event_stream_response(RequestFactory().get("/?since=1"), "c", 1, truth.read_sync)
    current = event_stream_response(RequestFactory().get("/?since=3"), "c", 3, truth.read_sync)

    assert b"".join(behind.streaming_content) == (
        b'retry: 2000\nid: 3\nevent: version\ndata: {"version": 3}\n\n'
    )
    assert b"".join(current.streaming_content) == b"retry: 2000\n: no change\n\n"


@pytest.mark.parametrize(
    ("query", "since"), [("", 0), ("?since=4", 4), ("?since=-1", 0), ("?since=x", 0)]
)
def test_requested_since_reads_a_version_or_zero(query, since):
    assert requested_since(RequestFactory().get(f"/{query}")) == since
