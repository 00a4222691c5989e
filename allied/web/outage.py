"""Requests the database could not serve answer 503 with a clear page, quickly, in every
mode (docs/deployment.md, "When the database stops")."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.debug import ExceptionReporter

# Imported by the logging configuration (DEFAULT_EXCEPTION_REPORTER) before the apps are
# ready: this module imports no models.


def database_unreachable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


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
            return f"<p>The database cannot be reached: {self.exc_value}</p>"
        return super().get_traceback_html()

    def get_traceback_text(self):
        if database_unreachable(self.exc_value):
            return f"The database cannot be reached: {self.exc_value}"
        return super().get_traceback_text()
