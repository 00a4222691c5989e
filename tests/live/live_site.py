"""A minimal site for test_two_servers.py: Allied's own settings and middleware, allied.live,
and three test-only URLs (which allied/urls.py must never carry).

uvicorn runs it as `live_site:application` with `--app-dir tests/live`. Its truth is one
table, `live_version(channel, version)`, in the SQLite file SQLITE_PATH names, which the test
creates: a stand-in for a live page's state that both servers read, as they would read a
workshop's. Allied's settings are copied whole; only the URLconf and the database safety net
change, the latter so that only Redis can carry an announcement between servers in time.
"""

from __future__ import annotations

from functools import partial

import django
from django.conf import settings

import allied.settings as allied_settings

_values = {name: getattr(allied_settings, name) for name in dir(allied_settings) if name.isupper()}
_values.update(ROOT_URLCONF=__name__, LIVE_DB_CHECK_SECONDS=30)
settings.configure(**_values)
django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from allied.live import announce, event_stream_response, requested_since  # noqa: E402


def version_of(channel: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM live_version WHERE channel = %s", [channel])
        row = cursor.fetchone()
    return row[0] if row else 0


@csrf_exempt
@require_POST
def bump(request, channel):
    """Raises the channel's version in the request's transaction and announces it after."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE live_version SET version = version + 1 WHERE channel = %s", [channel]
        )
    version = version_of(channel)
    announce(channel, version)
    return JsonResponse({"version": version})


def state(request, channel):
    return JsonResponse({"version": version_of(channel)})


def events(request, channel):
    return event_stream_response(
        request, channel, requested_since(request), partial(version_of, channel)
    )


urlpatterns = [
    path("bump/<str:channel>/", bump),
    path("state/<str:channel>/", state),
    path("events/<str:channel>/", events),
]

application = ASGIHandler()
