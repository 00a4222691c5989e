"""Run only in `make test`'s PostgreSQL and Redis pass, where they must not skip: an
unreachable service fails the run (tests/conftest.py)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suite_is_running_on_postgresql():
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert connection.vendor == "postgresql"


@pytest.mark.redis
def test_the_cache_is_redis_and_round_trips():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("allied-test", {"a": 1}, 30)
    assert cache.get("allied-test") == {"a": 1}
    cache.delete("allied-test")


@pytest.mark.redis
@pytest.mark.django_db
def test_the_health_check_reports_redis(client):
    assert client.get(reverse("web:healthz")).json() == {
        "status": "ok",
        "database": True,
        "redis": True,
    }
