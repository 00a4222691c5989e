"""Pages every visitor shares: the home page, the dashboard, static information, errors."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from allied.accounts.access import memberships_for, record_denial
from allied.accounts.api import api_view
from allied.accounts.models import Role
from allied.web.outage import database_unreachable, outage_response


def home(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


@login_required
def dashboard(request):
    """One panel per organisation, with what each of the person's roles there can do."""
    panels = {}
    for membership in memberships_for(request):
        panel = panels.setdefault(
            membership.organisation_id,
            {"organisation": membership.organisation, "roles": []},
        )
        panel["roles"].append(membership.role)
    for panel in panels.values():
        organisation = panel["organisation"]
        roles = set(panel["roles"])
        panel["role_labels"] = [Role(role).label for role in panel["roles"]]
        panel["is_admin"] = Role.ORG_ADMIN in roles
        panel["manages_people"] = bool(roles & {Role.ORG_ADMIN, Role.COORDINATOR})
        panel["runs_workshops"] = bool(roles & {Role.ORG_ADMIN, Role.FACILITATOR})
        if panel["runs_workshops"]:
            from allied.workshops.access import workshops_for

            panel["workshops"] = list(
                workshops_for(request.user).filter(organisation=organisation)[:5]
            )
        if panel["manages_people"]:
            panel["people_count"] = organisation.memberships.values("user").distinct().count()
            panel["open_invitations"] = organisation.invitations.open().count()
    from allied.allyship.steps import steps_for as allyship_steps
    from allied.circles.steps import steps_for as circle_steps
    from allied.mentoring.steps import coordinator_steps, participant_steps

    return render(
        request,
        "web/dashboard.html",
        {
            "panels": list(panels.values()),
            "places": participant_steps(request.user),
            "coordinated": coordinator_steps(request.user),
            "allyship_steps": allyship_steps(request.user),
            "circle_steps": circle_steps(request.user),
        },
    )


def about(request):
    return render(request, "web/about.html")


def privacy(request):
    return render(request, "web/privacy.html")


def accessibility(request):
    return render(request, "web/accessibility.html")


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """Returns 200 when the database answers (and Redis, when configured): for the load
    balancer's health check."""
    from django.conf import settings

    status = {"database": False, "redis": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = True
    except Exception:
        status["database"] = False
    if settings.REDIS_URL:
        from django.core.cache import cache

        try:
            cache.set("healthz", "ok", 5)
            status["redis"] = cache.get("healthz") == "ok"
        except Exception:
            status["redis"] = False
    healthy = status["database"] and status["redis"] is not False
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **status}, status=200 if healthy else 503
    )


@api_view("GET")
def api_schema(request):
    """The whole API's OpenAPI 3.1 document, naming this site as its server."""
    from allied.web.schema import schema

    return JsonResponse(schema(request.build_absolute_uri("/")))


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if request.user.is_authenticated:
        record_denial(request, exception)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A fault's page. When the database cannot be reached, a 503 saying so (under /api/,
    ApiErrorsMiddleware makes it JSON): rendered without the request, whose context would read
    the database again."""
    if database_unreachable(sys.exc_info()[1]):
        return outage_response()
    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponse(render_to_string("500.html"), status=500)
