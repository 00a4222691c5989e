"""`allied tick`: enqueues the scheduled work and says what was sent; `--every` loops until
stopped."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from allied.cli import build_parser
from allied.commands import tick
from allied.programmes.models import Meeting
from tests.mentoring.test_reminders import pair  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_tick_sends_what_is_due_and_prints_the_counts(pair, capsys):  # noqa: F811
    Meeting.objects.create(relationship=pair, starts_at=timezone.now() + timedelta(hours=2))
    Meeting.objects.create(relationship=pair, starts_at=timezone.now() - timedelta(days=2))
    args = build_parser(only="tick").parse_args(["tick"])

    assert args.func(args) == 0
    first = capsys.readouterr().out
    assert tick.main(args) == 0
    second = capsys.readouterr().out

    assert "Reminder emails sent: 4 (2 meeting reminders, 2 requests to record a meeting" in first
    assert "Reminder emails sent: 0 (0 meeting reminders" in second
    assert len(mail.outbox) == 4


def test_every_must_be_a_positive_number_of_seconds(capsys):
    parser = build_parser(only="tick")
    for bad in ("0", "-5", "soon"):
        with pytest.raises(SystemExit):
            parser.parse_args(["tick", "--every", bad])
    assert "--every" in capsys.readouterr().err


def test_the_loop_stops_cleanly_on_sigterm(pair, capsys):  # noqa: F811
    """A long interval: the loop ticks once and then waits; SIGTERM ends the wait."""
    Meeting.objects.create(relationship=pair, starts_at=timezone.now() + timedelta(hours=2))
    ticked = threading.Event()
    original = tick.tick_once

    def tick_and_tell(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            ticked.set()

    tick.tick_once = tick_and_tell
    timer = threading.Thread(
        target=lambda: ticked.wait(30) and os.kill(os.getpid(), signal.SIGTERM)
    )
    timer.start()
    try:
        status = tick.loop(3600)
    finally:
        tick.tick_once = original
        timer.join()

    assert status == 0
    assert "Reminder emails sent: 2" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_tick_is_registered_with_the_allied_command():
    args = build_parser().parse_args(["tick", "--every", "300"])
    assert isinstance(args, argparse.Namespace) and args.every == 300


def test_tick_removes_expired_sessions_and_keeps_live_ones(db):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    live, expired = SessionStore(), SessionStore()
    for session in (live, expired):
        session["pending_import"] = ["a row"]
        session.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    assert tick.tick_once(quiet_when_idle=True) == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
