"""Run only in `make test`'s PostgreSQL and Redis pass, where they must not skip: an
unreachable service fails the run (tests/conftest.py)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


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
def test_sessions_survive_through_the_redis_cache(max_mentor):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client = Client()
    client.post(reverse("accounts:sign_in"), {"email": max_mentor.email, "password": PASSWORD})
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert cache.get(f"django.contrib.sessions.cached_db{client.session.session_key}") is not None


@pytest.mark.redis
@pytest.mark.django_db
def test_the_health_check_reports_redis(client):
    assert client.get(reverse("web:healthz")).json() == {
        "status": "ok",
        "database": True,
        "redis": True,
    }
