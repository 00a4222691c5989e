"""Session limits and the two-factor requirement, applied to every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from allied.accounts.access import needs_two_factor
from allied.accounts.api import error_response

SESSION_STARTED = "allied_started_at"
SESSION_SEEN = "allied_seen_at"
# Writing the session on every request is wasteful; a minute's precision is enough.
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """Ends a session after 30 minutes without activity or 12 hours in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            too_long = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_long:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used Allied for 30 minutes."
                    if idle
                    else "You were signed out because you had been signed in for 12 hours.",
                )
                return redirect(f"{reverse('accounts:sign_in')}?next={request.path}")
            request.session.setdefault(SESSION_STARTED, now)
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Sends organisation admins and coordinators to set up or complete two-factor
    authentication before they can use any other page."""

    ALLOWED_PREFIXES = ("/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and request.path
            not in {reverse("accounts:two_factor_setup"), reverse("accounts:sign_out")}
            and needs_two_factor(request)
        ):
            return redirect("accounts:two_factor_setup")
        return self.get_response(request)


class NoStoreMiddleware:
    """Tells browsers and proxies to keep no copy of any response to someone signed in, nor of
    any download: pages and files may hold ethnic group, gender, the pseudonym key or a research
    extract, and a shared computer's cache must not give them to the next person. Static files
    (answered before sign-in is read) stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read before the view runs: signing out answers someone who was signed in.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if (signed_in or download) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class ApiErrorsMiddleware:
    """Under /api/, every error answers in the API's one shape, `{"error": "..."}` as JSON,
    whatever produced it: a URL that matches no endpoint, a body Django could not parse, a
    refusal by Django's own checks, or a fault. Pages keep their HTML error pages."""

    MESSAGES = {
        400: "The request could not be read: check its body and its Content-Type.",
        403: "Refused.",
        404: "Not found.",
        405: "This method is not allowed here.",
        500: "Something went wrong on Allied's side. Try again; if it happens again, tell "
        "your administrator.",
        503: "Allied's database is not answering just now (it may be down, or very busy). "
        "Nothing was saved; try again in a minute.",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = self.MESSAGES.get(status) or self.MESSAGES[400 if status < 500 else 500]
            replacement = error_response(status, message)
            for header, value in response.items():
                if header.lower() not in {"content-type", "content-length"}:
                    replacement.setdefault(header, value)
            replacement.cookies = response.cookies
            add_never_cache_headers(replacement)
            return replacement
        return response
