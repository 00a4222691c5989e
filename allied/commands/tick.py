"""`allied tick`: enqueue the scheduled work (reminder emails, retention periods) once, or
every N seconds.

In production cron or a systemd timer runs `allied tick` every few minutes; `make run` keeps
`allied tick --every 300` running beside the server. Django is set up only when the command
runs, so that `allied --help` stays quick. See docs/scheduled-work.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

LABELS = {
    "meeting": "meeting reminders",
    "log": "requests to record a meeting",
    "meeting_due": "meeting-due reminders",
    "review": "review reminders",
}


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give at least 1 second")
    return value


def add_parser(subparsers) -> None:
    tick = subparsers.add_parser(
        "tick", help="run the scheduled work: reminder emails (from cron, a timer or make run)"
    )
    tick.add_argument(
        "--every",
        type=_seconds,
        metavar="SECONDS",
        help="keep running, once every SECONDS, until stopped (Ctrl+C or SIGTERM)",
    )
    tick.set_defaults(func=main)


def tick_once(out=None, err=None, *, quiet_when_idle: bool = False) -> int:
    """Enqueues the scheduled tasks and reports on them; returns an exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    from importlib import import_module

    from django.conf import settings
    from django_tasks.base import TaskResultStatus

    from allied.mentoring.tasks import send_due_reminders

    # Expired sessions go first: one can hold a spreadsheet import's rows awaiting
    # confirmation, equality answers included, and nothing else removes them.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    result = send_due_reminders.enqueue()
    if result.status == TaskResultStatus.FAILED:
        print("Sending reminders failed:", file=err)
        for error in result.errors:
            print(error.traceback, file=err)
        return 1
    if result.status != TaskResultStatus.SUCCESSFUL:
        print(f"Enqueued send_due_reminders (task {result.id}); a worker will send them.", file=out)
        return 0
    counts = result.return_value or {}
    total = sum(counts.values())
    if total or not quiet_when_idle:
        parts = ", ".join(f"{counts.get(key, 0)} {label}" for key, label in LABELS.items())
        print(f"Reminder emails sent: {total} ({parts}).", file=out, flush=True)
    return apply_retention(out, err, quiet_when_idle=quiet_when_idle)


def apply_retention(out, err, *, quiet_when_idle: bool) -> int:
    """Enqueues the retention task (allied.rights.tasks) and reports what it erased."""
    from django_tasks.base import TaskResultStatus

    from allied.rights.tasks import apply_retention as task

    result = task.enqueue()
    if result.status == TaskResultStatus.FAILED:
        print("Applying retention periods failed:", file=err)
        for error in result.errors:
            print(error.traceback, file=err)
        return 1
    if result.status != TaskResultStatus.SUCCESSFUL:
        print(f"Enqueued apply_retention (task {result.id}); a worker will run it.", file=out)
        return 0
    counts = result.return_value or {}
    if counts.get("places") or not quiet_when_idle:
        print(
            f"Retention periods applied: {counts.get('places', 0)} places erased in "
            f"{counts.get('programmes', 0)} programmes.",
            file=out,
            flush=True,
        )
    return 0


def main(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    import django

    django.setup()
    if not args.every:
        return tick_once()
    return loop(args.every)


def loop(every: int) -> int:
    """Ticks every `every` seconds until SIGTERM or Ctrl+C; a tick in progress finishes first."""
    import logging

    from django.db import connections

    # Every five minutes, the task backend's "started" and "finished" lines are only noise.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Sending due reminders every {every} seconds.", flush=True)
    try:
        while not stop.is_set():
            try:
                tick_once(quiet_when_idle=True)
            except Exception as exc:  # the database may be away for a moment: try next time
                print(f"This tick failed and the next will try again: {exc}", file=sys.stderr)
            connections.close_all()  # hold no connection while idle
            stop.wait(every)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        connections.close_all()
    return 0
