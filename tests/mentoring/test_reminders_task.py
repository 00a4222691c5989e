"""The reminders run as a django-tasks task, enqueued like any other (ImmediateBackend here)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from allied.mentoring.tasks import send_due_reminders
from allied.programmes.models import Meeting
from tests.mentoring.test_reminders import pair  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_task_enqueued_sends_the_due_reminders_once(pair):  # noqa: F811
    Meeting.objects.create(relationship=pair, starts_at=timezone.now() + timedelta(hours=2))

    first = send_due_reminders.enqueue()
    second = send_due_reminders.enqueue()

    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == {
        "meeting": 2,
        "log": 0,
        "meeting_due": 0,
        "review": 0,
        "intake": 0,
        "request": 0,
        "agreement": 0,
    }
    assert second.return_value["meeting"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["max@alder.example", "mia@alder.example"]
