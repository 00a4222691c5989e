"""Programme work that runs outside a request, through django-tasks.

`allied tick` enqueues these on a schedule (cron, a systemd timer, or `make run`). With the
default ImmediateBackend they run inside the tick itself; with a queue backend a worker runs
them (see docs/scheduled-work.md). Each task is safe to run twice or side by side: the
reminders it sends are claimed in the database first.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_due_reminders() -> dict[str, int]:
    """Sends every due meeting, recording and review reminder; returns emails sent by kind."""
    from allied.mentoring.reminders import send_due_reminders as send

    return send()
