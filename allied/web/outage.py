"""Requests the database could not serve answer 503 with a clear page, quickly, in every
mode (docs/deployment.md, "When the database stops")."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.views.debug import ExceptionReporter

# Imported by the logging configuration (DEFAULT_EXCEPTION_REPORTER) before the apps are
# ready: this module imports no models.


# PostgreSQL's codes for a connection that failed or was ended by the server's shutdown.
_CONNECTION_CODES = ("08", "57P01", "57P02", "57P03")
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked")


def database_unreachable(error: BaseException | None) -> bool:
    """Whether the fault is the database not answering (down, unreachable, or so busy that
    no connection came in time), as opposed to a fault in a query: a deadlock, a timeout or
    a missing table stays a 500, which the logs then explain."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    import sqlite3

    import psycopg
    import psycopg_pool

    cause = error.__cause__
    if isinstance(cause, psycopg_pool.PoolTimeout):
        return True
    if isinstance(cause, psycopg.OperationalError):
        code = cause.sqlstate
        return code is None or code.startswith(_CONNECTION_CODES)
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).startswith(_SQLITE_UNAVAILABLE)
    return False


def outage_response() -> HttpResponse:
    """The page for a request the database could not serve: 503, try again shortly."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def note_database_outage(sender, request=None, **kwargs) -> None:
    """On Django's got_request_exception: marks a request whose fault was the database being
    unreachable. Django turns such a fault into a 500 (in DEBUG, its technical page) wherever
    it happens, in a view or in a middleware reading the session, so the mark is read on the
    way out."""
    if request is not None and database_unreachable(sys.exc_info()[1]):
        request.database_unreachable = True


class DatabaseOutageMiddleware:
    """Replaces the 500 of a request marked by note_database_outage with the 503 page (and,
    under /api/, ApiErrorsMiddleware outside this one makes it JSON)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unreachable", False):
            return outage_response()
        return response


class ExceptionReporterForOutages(ExceptionReporter):
    """DEBUG's technical error page, except for an unreachable database: that page reads
    every variable of every frame, the signed-in person included, and each read would wait
    for the database again, so a 503 would take minutes to arrive. It says what happened in
    one line instead (DatabaseOutageMiddleware then answers the 503 page)."""

    def get_traceback_html(self):
        if database_unreachable(self.exc_value):
            return format_html("<p>The database cannot be reached: {}</p>", self.exc_value)
        return super().get_traceback_html()

    def get_traceback_text(self):
        if database_unreachable(self.exc_value):
            return f"The database cannot be reached: {self.exc_value}"
        return super().get_traceback_text()
