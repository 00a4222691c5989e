"""Announcements that a live page's state has a newer version, and the waits that hear them.

The database is the only truth. An announcement carries a channel name (one per live page,
say `workshop:42`) and a version number, and means only "the state behind this channel has
changed; re-read it". Listeners therefore never trust an announcement's number: they wake up,
re-read the version from the database through a callable the caller supplies, and decide.

Three paths carry announcements, each a fallback for the one before:

1. Redis pub/sub (when `settings.REDIS_URL` is set): `PUBLISH allied:live:<channel> <version>`
   after the transaction commits. Each server process keeps ONE subscriber connection
   (`PSUBSCRIBE allied:live:*`) and fans messages out to its waiting streams, so 240 open
   streams cost one Redis connection per process, not 240.
2. The in-process bus: every announcement also wakes the streams waiting in the process that
   made it, with or without Redis.
3. The database safety net: a waiting stream re-reads the version at least every
   `settings.LIVE_DB_CHECK_SECONDS`, so a lost message (Redis stopped, several processes and
   no Redis) delays an update by seconds, never loses it.

Redis errors never reach the caller: publishing logs a warning (at most once a minute per
kind) and gives up; the subscriber reconnects with back-off and, once back, wakes every
waiting stream to re-read the database in case it missed something.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial

import redis
import redis.asyncio
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, transaction
from django.http import HttpRequest, StreamingHttpResponse

logger = logging.getLogger(__name__)

PREFIX = "allied:live:"
# A comment line this often keeps proxies and load balancers from closing an idle stream.
HEARTBEAT_SECONDS = 15.0
# A stream ends after about five minutes (jittered, so 240 clients do not all reconnect at
# once); EventSource reconnects with Last-Event-ID and catches up. No worker is held forever.
STREAM_SECONDS = 300.0
# Redis must answer fast: a live page would rather wait for the database safety net than
# make a vote's response slow.
REDIS_TIMEOUT_SECONDS = 1.0
# After a failed publish, skip Redis for this long rather than pay a timeout per request.
REDIS_REST_SECONDS = 5.0
WARNING_INTERVAL_SECONDS = 60.0


def announce(channel: str, version: int) -> None:
    """Returns nothing; after the current transaction commits (at once outside one),
    tells every listener on `channel` that `version` exists. Never raises for Redis.

    Call it from synchronous code, in the same transaction as the change it announces (the
    app's actions). Inside a transaction that rolls back, nothing is announced. Tests that
    use the `db` fixture never commit: use `django_capture_on_commit_callbacks(execute=True)`
    or `transactional_db`.
    """
    transaction.on_commit(partial(_publish, channel, int(version)), robust=True)


async def wait_for_version(
    channel: str,
    since: int,
    current_version: Callable[[], Awaitable[int]],
    timeout: float,
) -> int:
    """Returns the channel's version from `current_version()` as soon as it is greater than
    `since`, or after `timeout` seconds the latest version read.

    Reads `current_version()` (the caller's database read) once at the start, so a listener
    that is behind returns at once; then once per announcement heard and at least every
    `settings.LIVE_DB_CHECK_SECONDS`. With `REDIS_URL`, the first call in a process starts
    its one Redis subscriber and waits (at most about a second) for it to connect.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    woken = _bus.add(channel, since, loop)
    try:
        if settings.REDIS_URL:
            await _subscriber(settings.REDIS_URL).settled()
        version = int(await current_version())
        check = float(settings.LIVE_DB_CHECK_SECONDS)
        while version <= since:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), min(remaining, check))
            woken.clear()
            version = int(await current_version())
        return version
    finally:
        _bus.discard(channel, woken)


def requested_since(request: HttpRequest) -> int:
    """Returns the `?since=` query parameter as a version (0 when missing or not a number)."""
    return _version_or_none(request.GET.get("since")) or 0


def event_stream_response(
    request: HttpRequest,
    channel: str,
    since: int,
    current_version_sync: Callable[[], int],
    *,
    lifetime: float = STREAM_SECONDS,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> StreamingHttpResponse:
    """Returns a `text/event-stream` response announcing the channel's newer versions.

    `since` is the version the client already has (usually `requested_since(request)`); a
    `Last-Event-ID` header, which a reconnecting EventSource sends, takes precedence. Each
    message is `id: N`, `event: version`, `data: {"version": N}`; the client fetches the
    state itself. `current_version_sync` is a database read; it runs in a thread pool
    (`thread_sensitive=False`), so streams do not queue behind one another on one thread.

    Under ASGI the response streams: the current version first if the client is behind, then
    each newer version, a comment every `heartbeat` seconds, and it ends after about
    `lifetime` seconds. Under WSGI (runserver, the test client, `live_server`) a long stream
    would hold a worker thread and Django would buffer it whole, so the response answers at
    once (the current version if the client is behind) and closes; EventSource reconnects
    after `retry` milliseconds, which turns it into polling every `LIVE_POLL_SECONDS`.
    """
    since = _version_or_none(request.headers.get("Last-Event-ID")) or since
    if isinstance(request, ASGIRequest):
        content: AsyncIterator[str] | Iterator[str] = _stream(
            channel, since, current_version_sync, lifetime=lifetime, heartbeat=heartbeat
        )
    else:
        content = _answer_once(since, current_version_sync)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _version_or_none(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 18:
        return None
    return int(value.strip())


def _retry_field() -> str:
    return f"retry: {int(float(settings.LIVE_POLL_SECONDS) * 1000)}\n"


def _version_message(version: int) -> str:
    return f"id: {version}\nevent: version\ndata: {json.dumps({'version': version})}\n\n"


async def _stream(
    channel: str,
    since: int,
    current_version_sync: Callable[[], int],
    *,
    lifetime: float,
    heartbeat: float,
) -> AsyncIterator[str]:
    read = sync_to_async(partial(_read_version, current_version_sync), thread_sensitive=False)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime * random.uniform(0.9, 1.0)
    known = since
    # The first wait only reads the database (timeout 0): the client learns at once whether
    # it is behind, and by then this process's Redis subscriber is listening.
    timeout = 0.0
    prefix = _retry_field()
    while True:
        version = await wait_for_version(channel, known, read, timeout)
        if version > known:
            known = version
            yield prefix + _version_message(version)
        else:
            yield prefix + ": heartbeat\n\n"
        prefix = ""
        remaining = deadline - loop.time()
        if remaining <= 0:
            return
        timeout = min(heartbeat, remaining)


def _answer_once(since: int, current_version_sync: Callable[[], int]) -> Iterator[str]:
    version = int(current_version_sync())
    yield _retry_field() + (_version_message(version) if version > since else ": no change\n\n")


def _read_version(current_version_sync: Callable[[], int]) -> int:
    # These reads run on pool threads that no request starts or finishes, so nothing else
    # retires their database connections: do what Django does at a request's start.
    close_old_connections()
    return int(current_version_sync())


def _publish(channel: str, version: int) -> None:
    _bus.wake(channel, version)
    if settings.REDIS_URL:
        _publish_to_redis(settings.REDIS_URL, channel, version)


class _LocalBus:
    """The waiting streams of this process, by channel. Announcements come from request
    threads and the Redis subscriber; waiters are asyncio events on some event loop, so
    waking one goes through `loop.call_soon_threadsafe`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, dict[asyncio.Event, tuple[asyncio.AbstractEventLoop, int]]] = {}

    def add(self, channel: str, since: int, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        event = asyncio.Event()
        with self._lock:
            self._waiters.setdefault(channel, {})[event] = (loop, since)
        return event

    def discard(self, channel: str, event: asyncio.Event) -> None:
        with self._lock:
            waiters = self._waiters.get(channel, {})
            waiters.pop(event, None)
            if not waiters:
                self._waiters.pop(channel, None)

    def wake(self, channel: str, version: int | None = None) -> None:
        """Wakes the channel's waiters that are behind `version` (all of them when None)."""
        with self._lock:
            waiters = list(self._waiters.get(channel, {}).items())
        for event, (loop, since) in waiters:
            if version is None or version > since:
                _set_event(loop, event)

    def wake_all(self) -> None:
        with self._lock:
            waiters = [item for channel in self._waiters.values() for item in channel.items()]
        for event, (loop, _since) in waiters:
            _set_event(loop, event)


def _set_event(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        event.set()
        return
    with contextlib.suppress(RuntimeError):  # that loop has closed: nobody is waiting
        loop.call_soon_threadsafe(event.set)


_bus = _LocalBus()


class _Subscriber:
    """This process's one Redis subscription, `PSUBSCRIBE allied:live:*`, running as a task
    on the event loop that first needed it, and reconnecting with back-off for ever."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.get_running_loop()
        self._settled = asyncio.Event()
        self.task = self.loop.create_task(self._run())

    async def settled(self) -> None:
        """Returns once the first connection attempt has succeeded or failed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), REDIS_TIMEOUT_SECONDS * 2)

    async def _run(self) -> None:
        delay = 0.5
        connected_before = False
        while True:
            client = redis.asyncio.Redis.from_url(
                self.url,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                socket_keepalive=True,
                health_check_interval=HEARTBEAT_SECONDS,
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(PREFIX + "*")
                self._settled.set()
                delay = 0.5
                if connected_before:
                    # Announcements made while we were away are lost: re-read everything.
                    _bus.wake_all()
                    logger.info("Live updates: Redis subscription restored.")
                connected_before = True
                while True:
                    message = await pubsub.get_message(timeout=HEARTBEAT_SECONDS)
                    if message is not None and message["type"] == "pmessage":
                        _dispatch(message["channel"], message["data"])
            except Exception as exc:
                _warn(
                    "subscribe",
                    "Live updates: Redis subscription failed (%s); streams fall back to "
                    "reading the database every %s s until it is back.",
                    exc,
                    settings.LIVE_DB_CHECK_SECONDS,
                )
            finally:
                self._settled.set()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, 5.0)


def _dispatch(raw_channel: bytes | str, raw_data: bytes | str) -> None:
    channel = raw_channel.decode() if isinstance(raw_channel, bytes) else raw_channel
    data = raw_data.decode() if isinstance(raw_data, bytes) else raw_data
    _bus.wake(channel.removeprefix(PREFIX), _version_or_none(data))


_subscriber_lock = threading.Lock()
_current_subscriber: _Subscriber | None = None


def _subscriber(url: str) -> _Subscriber:
    """Returns the subscriber for the running event loop, starting it if needed. A server
    process has one loop and so one subscriber; tests that start new loops get new ones."""
    global _current_subscriber
    loop = asyncio.get_running_loop()
    with _subscriber_lock:
        current = _current_subscriber
        if current is None or current.loop is not loop or current.url != url:
            if current is not None and current.loop is loop:
                current.task.cancel()
            current = _current_subscriber = _Subscriber(url)
        return current


_clients_lock = threading.Lock()
_clients: dict[str, redis.Redis] = {}
_resting_until: dict[str, float] = {}


def _publish_to_redis(url: str, channel: str, version: int) -> None:
    if _resting_until.get(url, 0.0) > time.monotonic():
        return
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(
                url,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                retry=None,
            )
    try:
        client.publish(PREFIX + channel, str(version))
    except (redis.RedisError, OSError) as exc:
        _resting_until[url] = time.monotonic() + REDIS_REST_SECONDS
        _warn(
            "publish",
            "Live updates: could not publish to Redis (%s); other servers will see changes "
            "through their database checks.",
            exc,
        )


_warned_lock = threading.Lock()
_warned_at: dict[str, float] = {}


def _warn(kind: str, message: str, *args: object) -> None:
    """Logs a warning at most once a minute per kind: a Redis outage during a workshop
    should leave one line a minute in the log, not one per vote."""
    now = time.monotonic()
    with _warned_lock:
        if now - _warned_at.get(kind, -WARNING_INTERVAL_SECONDS) < WARNING_INTERVAL_SECONDS:
            return
        _warned_at[kind] = now
    logger.warning(message, *args)
