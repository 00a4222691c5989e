"""What every JSON endpoint shares: credentials, CSRF for sessions, the body read like a form,
and refusals turned into JSON errors.

Credentials, like the pages: a session (unsafe methods then need the CSRF token), or
`Authorization: Bearer <token>` for people with accounts (POST /api/tokens/), or
`Authorization: Participant <token>` for workshop participants. Requests with a token are
exempt from CSRF: a browser never sends the header by itself.
"""

from __future__ import annotations

import json
import uuid
from functools import wraps

from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from allied.accounts.access import RoleRequired, record_denial
from allied.accounts.models import ApiToken
from allied.base.errors import Refused

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BadInput(Exception):
    """The request itself is malformed (400); nothing was changed."""


class NotSignedIn(Exception):
    """No usable credentials (401)."""


class NotAllowed(Exception):
    """The person may see the object, but their part in it does not allow this action (403,
    recorded in the audit log), with a message saying who may."""

    def __init__(self, message: str, *, organisation=None, roles=()):
        super().__init__(message)
        self.organisation = organisation
        self.roles = sorted(roles)


class TwoFactorNeeded(Exception):
    """The token was made without a two-factor code, and its owner now holds a role that
    needs one (403), as the pages send such a person to set up two-factor first."""


def error_response(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="allied"'
    return response


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request) -> str | None:
    """Returns why a session-authenticated request fails Django's CSRF check, or None."""
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _credentials(request) -> str:
    """Returns how the request authenticates: "token", "participant" or "session". A
    bearer token replaces the session's person for this request."""
    header = request.headers.get("Authorization", "")
    if not header:
        return "session"
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and secret:
        token = ApiToken.active_for(secret)
        if token is None:
            raise NotSignedIn(
                "The API token is not valid: it has expired or been revoked, or its owner's "
                "password or roles have changed. Make a new one (POST /api/tokens/)."
            )
        if token.lacks_two_factor():
            raise TwoFactorNeeded(
                "Your role needs two-factor authentication: set it up in the browser, then "
                "make a new token with your code ('totp')."
            )
        request.user = token.user
        request.api_token = token
        return "token"
    if scheme.lower() == "participant" and secret:
        request.participant_token = secret
        return "participant"
    raise NotSignedIn(
        "Send 'Authorization: Bearer <token>' or 'Authorization: Participant <token>'."
    )


class Payload:
    """The request's fields (a JSON object, or a form) read like `request.POST`, so the
    pages' handlers take them unchanged. Rejects values no text field can hold."""

    def __init__(self, values: dict, *, from_form: bool = False):
        self.values = values
        # A form may repeat a field (the last value counts, as in Django); a JSON body that
        # sends a list where one value belongs is bad input.
        self.from_form = from_form

    def like(self, values: dict) -> Payload:
        """Returns a payload of these values read as this one's are."""
        return Payload(values, from_form=self.from_form)

    @staticmethod
    def _text(key: str, value) -> str:
        if isinstance(value, bool):
            return "on" if value else ""
        if isinstance(value, dict | list):
            raise BadInput(f"'{key}' must be text or a number.")
        text = str(value)
        if "\x00" in text:
            raise BadInput(f"'{key}' contains a NUL character.")
        return text

    def get(self, key: str, default=None):
        value = self.values.get(key)
        if isinstance(value, list) and self.from_form:
            value = value[-1] if value else None
        elif isinstance(value, list):
            raise BadInput(f"'{key}' must be one value, not a list.")
        return default if value is None else self._text(key, value)

    def getlist(self, key: str) -> list[str]:
        value = self.values.get(key)
        if value is None:
            return []
        return [self._text(key, v) for v in (value if isinstance(value, list) else [value])]

    def __contains__(self, key: str) -> bool:
        return key in self.values


def _payload(request) -> Payload:
    if request.method in SAFE_METHODS:
        return Payload({})
    if request.content_type == "application/json":
        try:
            values = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise BadInput("The request body is not valid JSON.") from None
        except RecursionError:
            raise BadInput("The request body is nested too deeply.") from None
        if not isinstance(values, dict):
            raise BadInput("The request body must be a JSON object.")
        return Payload(values)
    try:
        return Payload({key: request.POST.getlist(key) for key in request.POST}, from_form=True)
    except MultiPartParserError:
        raise BadInput(
            "The form body could not be read: send JSON, or a complete multipart form."
        ) from None


def api_view(*methods: str, csrf: bool = True):
    """Wraps a view: checks the method, authenticates, enforces CSRF on session requests
    that change something (unless `csrf` is False: for views that neither read nor change
    the session, whose answer a cross-site page could not read), parses the body into `request.data`, and turns refusals into
    JSON errors (400 bad input, 401, 403 not allowed, 404, 409 refused by `actions`)."""

    def decorate(view):
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                response = error_response(405, f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                request.api_credentials = _credentials(request)
                if (
                    csrf
                    and request.api_credentials == "session"
                    and request.method not in SAFE_METHODS
                ):
                    reason = _csrf_failure(request)
                    if reason:
                        return error_response(
                            403,
                            f"CSRF check failed ({reason}). Send the CSRF token in the "
                            "X-CSRFToken header, or use an API token.",
                        )
                request.data = _payload(request)
                return view(request, *args, **kwargs)
            except BadInput as error:
                return error_response(400, str(error))
            except NotSignedIn as error:
                return error_response(401, str(error))
            except TwoFactorNeeded as error:
                return error_response(403, str(error))
            except RoleRequired as error:
                record_denial(request, error)
                return error_response(403, "Your role does not allow this.")
            except NotAllowed as error:
                record_denial(request, error)
                return error_response(403, str(error))
            except Http404:
                return error_response(404, "Not found.")
            except Refused as error:
                return error_response(409, str(error))

        return wrapped

    return decorate


def api_user(request):
    if request.api_credentials == "participant" or not request.user.is_authenticated:
        raise NotSignedIn("Sign in, or send 'Authorization: Bearer <token>' (POST /api/tokens/).")
    return request.user


def api_submission(request) -> uuid.UUID | None:
    """Returns the `submission` key the request sent (allied.base.submissions: a retry with
    the same key finds what the first made), or None when it sent none. A key that is not a
    UUID is bad input, as the schema says, rather than quietly losing the protection."""
    if "submission" not in request.data:
        return None
    raw = request.data.get("submission")
    try:
        return uuid.UUID(raw)
    except (TypeError, ValueError, AttributeError):
        raise BadInput(
            "'submission' must be a UUID (send the same one again when retrying), or be left out."
        ) from None


def api_client_id(request) -> uuid.UUID:
    """Returns the submission's client id (a new one when none is sent), remembered on the
    request so a view can find what the submission stored."""
    raw = request.data.get("client_id")
    if raw is None or raw == "":
        client_id = uuid.uuid4()
    else:
        try:
            client_id = uuid.UUID(raw)
        except ValueError:
            raise BadInput("'client_id' must be a UUID.") from None
    request.api_client_id = client_id
    return client_id
