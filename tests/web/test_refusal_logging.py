"""A refused request (403) is expected, not a fault: the log gets one line, no traceback."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_refusal_logs_one_line_without_a_traceback(client, world):
    sign_in(client, world["mia"])
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    records = []
    handler.addFilter(lambda record: records.append(record) or False)
    try:
        url = reverse("circles:session_new", args=[world["circle_own"].pk])
        assert client.get(url).status_code == 403
    finally:
        handler.filters.clear()

    refusals = [r for r in records if r.name == "django.request"]
    assert len(refusals) == 1
    assert handler.format(refusals[0]) == f"Forbidden (Permission denied): {url}"
