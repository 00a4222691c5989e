"""Emptying SQLite's write-ahead log after something is destroyed (an erasure, a strict
workshop's key): until a checkpoint, the log still holds the pages as they were before."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# The connection's usual wait for a lock (settings: `timeout`), in milliseconds.
CHECKPOINT_RESTORE_MS = int(
    settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5) * 1000
)


def empty_the_log() -> bool:
    """On SQLite, moves the write-ahead log into the database file and empties it: the log
    still holds pages as they were before an erasure. (The file itself zeroes what is deleted:
    `secure_delete` in settings.) Returns False when a reader kept it from finishing; then
    SQLite reuses the log from its start later, and `allied tick` tries again. Elsewhere
    (PostgreSQL needs VACUUM: docs/data-rights.md) does nothing and returns True."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return True
    try:
        with connection.cursor() as cursor:
            # A reader still on an older snapshot makes the checkpoint wait: a second at most,
            # not the 20 seconds a writer waits, since the erasure is done.
            cursor.execute("PRAGMA busy_timeout = 1000")
            busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {CHECKPOINT_RESTORE_MS}")
    except OperationalError as error:
        busy = error
    if busy:
        logger.warning("The write-ahead log was not emptied after an erasure: %s", busy)
    return not busy


def clear_the_log_after_commit() -> None:
    """Empties SQLite's write-ahead log once the transaction commits (`empty_the_log`).
    Robust: what was destroyed stays destroyed whatever happens here."""
    if connection.vendor == "sqlite":
        transaction.on_commit(empty_the_log, robust=True)
