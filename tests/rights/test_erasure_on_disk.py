"""Issue 19, item 9: after an erasure, the erased text is gone from the SQLite database's
files themselves, not only from its tables: deleted and overwritten cells are zeroed
(`secure_delete`), and the write-ahead log that still held them is emptied."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction

from allied.rights import actions

# SQLite's own files: the SQLite pass only (PostgreSQL needs VACUUM: docs/data-rights.md).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.sqlite]

MARKER = "qzerasedtext7"


def files_holding(marker: str) -> list[str]:
    name = Path(connection.settings_dict["NAME"])
    found = []
    for path in (name, Path(f"{name}-wal")):
        if path.exists() and marker.encode() in path.read_bytes():
            found.append(path.name)
    return found


def test_the_erased_text_is_in_neither_the_database_file_nor_its_log(world):
    from allied.allyship.models import Reflection
    from allied.programmes.models import PrivateNote

    assert connection.vendor == "sqlite" and connection.settings_dict["NAME"] != ":memory:"
    mia = world["mia"]
    meeting = world["relationship_own"].meetings.get()
    PrivateNote.objects.filter(meeting=meeting, author=mia).update(
        text=f"{MARKER} what I would rather nobody read"
    )
    Reflection.objects.create(author=mia, overall=f"{MARKER} " + "long reflection " * 400)
    connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert files_holding(MARKER), "the text was written"

    with transaction.atomic():
        actions.person_erase(user=mia, by=world["alice"], organisation=world["own"])

    assert files_holding(MARKER) == []


def test_a_reader_on_an_older_snapshot_delays_emptying_the_log_and_tick_finishes_it(world, caplog):
    import sqlite3
    import time

    from allied.programmes.models import PrivateNote

    mia = world["mia"]
    meeting = world["relationship_own"].meetings.get()
    PrivateNote.objects.filter(meeting=meeting, author=mia).update(text=f"{MARKER} note")
    reader = sqlite3.connect(connection.settings_dict["NAME"])
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM programmes_privatenote").fetchone()
    try:
        started = time.monotonic()
        with transaction.atomic():
            actions.person_erase(user=mia, by=world["alice"], organisation=world["own"])
        assert time.monotonic() - started < 10  # never the writers' 20 seconds
        assert "was not emptied" in caplog.text
    finally:
        reader.rollback()
        reader.close()
    assert actions.retention_apply() == {"programmes": 0, "places": 0, "rows": 0}
    assert files_holding(MARKER) == []
