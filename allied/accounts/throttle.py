"""How many wrong guesses anyone may make at signing in (the page, the token endpoint and the
two-factor code), counted in the cache (Redis when `REDIS_URL` is set) by django-ratelimit.
Decision 0021 says why these limits and this library.

Only failures count, so a trust's staff signing in correctly from one shared address are never
slowed. Three limits apply to every attempt, each to the address typed whether or not an
account has it, so the answer never reveals whether an account exists:

- per account and client address (`SIGN_IN_FAILURE_LIMIT` in `SIGN_IN_FAILURE_WINDOW_SECONDS`):
  someone guessing one person's password from one place is stopped, and only there; a
  stranger elsewhere cannot lock the owner out. It starts again for that address when the
  owner signs in from it;
- per client address, over all accounts (`SIGN_IN_CLIENT_FAILURE_LIMIT` in
  `SIGN_IN_CLIENT_WINDOW_SECONDS`): spraying many accounts from one place is stopped;
- per account, from anywhere (`SIGN_IN_ACCOUNT_FAILURE_LIMIT` in the account window): past it
  the account is not locked but paced, one attempt every `SIGN_IN_PACE_SECONDS` from anyone,
  so guesses from many addresses slow to a crawl. A browser the owner has signed in with
  before (a signed cookie) and the security-code step after a right password are not paced.

An IPv6 client counts by its /64 network, which one household or attacker usually holds. When
the cache cannot be reached, throttling lets attempts through and logs it: a cache outage
must not lock every member of staff out.
"""

from __future__ import annotations

import ipaddress
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django_ratelimit.core import get_usage

from allied.audit.log import client_ip

log = logging.getLogger(__name__)

GROUPS = {
    "account_client": "sign-in:account-client",
    "client": "sign-in:client",
    "account": "sign-in:account",
}
DEVICE_COOKIE = "allied_known_device"
DEVICE_SALT = "allied.accounts.throttle.device"
DEVICE_DAYS = 365


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and how many seconds until another may be made."""

    message: str
    retry_after: int


def _usage(request, group: str, value: str, rate: tuple[int, int], increment: bool):
    """Returns django-ratelimit's usage of this counter, or None when the cache failed
    (throttling then lets the attempt through)."""
    try:
        usage = get_usage(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=rate,
            increment=increment,
        )
    except Exception:
        log.warning("Sign-in throttling could not reach the cache; the attempt is let through.")
        return None
    if usage is not None and usage["limit"] == 0:
        log.warning("Sign-in throttling could not read the cache; the attempt is let through.")
        return None
    return usage


def _reached(usage) -> bool:
    return usage is not None and usage["count"] >= usage["limit"]


def _wait(usage) -> int:
    return max(1, usage["time_left"]) if usage else 1


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count != 1 else ''}"


def _minutes(seconds: int) -> str:
    return _plural(max(1, (seconds + 59) // 60), "minute")


def _client(request) -> str:
    """The client's address; an IPv6 address stands for its /64 network."""
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def _account(email: str) -> str:
    """The address the counters are kept for: the account's own, when one matches as the
    database matches it at sign-in (look-alike letters included), else the typed one."""
    from allied.accounts.models import User

    typed = email.strip()
    found = User.objects.filter(email__iexact=typed).values_list("email", flat=True).first()
    return (found or typed).casefold()


def _generation_key(account: str, client: str = "") -> str:
    """The cache key of a counter generation: for one account at one client address (a
    sign-in there starts it again), or with no address, for the account everywhere (a new
    password starts it again)."""
    return f"allied-throttle-generation:{uuid.uuid5(uuid.NAMESPACE_URL, account + '|' + client)}"


def _keys(request, email: str) -> dict[str, str]:
    account, client = _account(email), _client(request)
    here, everywhere = _generation_key(account, client), _generation_key(account)
    try:
        generations = cache.get_many([here, everywhere])
    except Exception:
        generations = {}
    since = f"{generations.get(everywhere, '')}|{generations.get(here, '')}"
    return {
        "account_client": f"{account}|{client}|{since}",
        "client": client,
        "account": f"{account}|{generations.get(everywhere, '')}",
    }


def _start_again(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, settings.SIGN_IN_FAILURE_WINDOW_SECONDS * 2)
    except Exception:
        log.warning("Sign-in throttling could not reach the cache to start a count again.")


def password_changed(email: str) -> None:
    """A new password makes earlier guesses moot: every count for the account starts again,
    at every address, and the account is no longer paced."""
    _start_again(_generation_key(_account(email)))


def _rates() -> dict[str, tuple[int, int]]:
    return {
        "account_client": (settings.SIGN_IN_FAILURE_LIMIT, settings.SIGN_IN_FAILURE_WINDOW_SECONDS),
        "client": (settings.SIGN_IN_CLIENT_FAILURE_LIMIT, settings.SIGN_IN_CLIENT_WINDOW_SECONDS),
        "account": (
            settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT,
            settings.SIGN_IN_FAILURE_WINDOW_SECONDS,
        ),
    }


def _device_mark(account: str) -> str:
    """What the cookie holds: a keyed digest of the account, never the address itself."""
    return salted_hmac(DEVICE_SALT, account, algorithm="sha256").hexdigest()


def known_device(request, email: str) -> bool:
    """Returns whether this browser has signed in as `email` before (its signed cookie)."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 24 * 3600
    )
    return value is not None and constant_time_compare(value, _device_mark(_account(email)))


def sign_in_refusal(request, email: str, *, paced: bool = True) -> Refusal | None:
    """Returns why this attempt to sign in as `email` is refused, or None when it may go
    ahead; of several reasons, the one with the longest wait. An attempt on a paced account
    uses up its turn, unless `paced` is False (the security-code step) or the browser is
    one the owner has signed in with before."""
    keys, rates = _keys(request, email), _rates()
    refusals = []
    usage = _usage(request, GROUPS["client"], keys["client"], rates["client"], False)
    if _reached(usage):
        wait = _wait(usage)
        refusals.append(
            Refusal(
                "There have been too many failed attempts to sign in from your network. "
                f"Wait {_minutes(wait)} and try again.",
                wait,
            )
        )
    usage = _usage(
        request, GROUPS["account_client"], keys["account_client"], rates["account_client"], False
    )
    if _reached(usage):
        wait = _wait(usage)
        refusals.append(
            Refusal(
                "There have been too many failed attempts to sign in with this email address. "
                f"Wait {_minutes(wait)} and try again, or reset your password.",
                wait,
            )
        )
    if refusals:
        return max(refusals, key=lambda refusal: refusal.retry_after)
    if (
        paced
        and _reached(_usage(request, GROUPS["account"], keys["account"], rates["account"], False))
        and not known_device(request, email)
    ):
        pace = (1, settings.SIGN_IN_PACE_SECONDS)
        turn = _usage(request, "sign-in:account-pace", keys["account"], pace, True)
        if turn is not None and turn["count"] > 1:
            wait = _wait(turn)
            return Refusal(
                "There have been many failed attempts to sign in with this email address, so it "
                "can be tried only once every "
                f"{_plural(settings.SIGN_IN_PACE_SECONDS, 'second')} from a new device. "
                f"Wait {_plural(wait, 'second')} and try again.",
                wait,
            )
    return None


def sign_in_failed(request, email: str) -> None:
    """Counts a wrong password or two-factor code for `email` against every limit."""
    keys, rates = _keys(request, email), _rates()
    for name, group in GROUPS.items():
        _usage(request, group, keys[name], rates[name], True)


def sign_in_succeeded(request, response, email: str, *, browser: bool = True):
    """After a successful sign-in: starts the count for this account and address again (for
    this address only) and, in a browser, marks it as one the owner uses. Returns
    `response`."""
    account = _account(email)
    _start_again(_generation_key(account, _client(request)))
    if not browser:
        return response
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _device_mark(account),
        salt=DEVICE_SALT,
        max_age=DEVICE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# Codes and links --------------------------------------------------------------------------
# Workshop join codes, personal join links and invitation links are guessed, not typed wrong
# by the person they belong to: one count per client address covers them all, and only
# guesses that match nothing count, so a room of 300 joining from one address is never slowed.


def guess_refusal(request) -> Refusal | None:
    """Returns why a code or link from this client is refused, or None."""
    rate = (settings.GUESS_LIMIT, settings.GUESS_WINDOW_SECONDS)
    usage = _usage(request, "guesses", _client(request), rate, False)
    if not _reached(usage):
        return None
    wait = _wait(usage)
    return Refusal(
        "There have been too many attempts with codes or links that do not exist from your "
        f"network. Wait {_minutes(wait)} and try again.",
        wait,
    )


def guess_failed(request) -> None:
    """Counts a code or link from this client that matched nothing."""
    rate = (settings.GUESS_LIMIT, settings.GUESS_WINDOW_SECONDS)
    _usage(request, "guesses", _client(request), rate, True)


# Password reset requests -------------------------------------------------------------------


def password_reset_refusal(request) -> Refusal | None:
    """Returns why another password reset request from this client is refused, or None.
    Every request counts."""
    rate = (settings.PASSWORD_RESET_CLIENT_LIMIT, 60 * 60)
    usage = _usage(request, "password-reset:client", _client(request), rate, True)
    if usage is None or usage["count"] <= usage["limit"]:
        return None
    wait = _wait(usage)
    return Refusal(
        "There have been too many requests to reset a password from your network. "
        f"Wait {_minutes(wait)} and try again.",
        wait,
    )


def password_reset_may_email(request, email: str) -> bool:
    """Returns whether another reset email may go to this address this hour; past the limit
    the page answers as usual and no email is sent, so nobody can flood an inbox and the
    answer never shows whether an account exists."""
    rate = (settings.PASSWORD_RESET_EMAIL_LIMIT, 60 * 60)
    usage = _usage(request, "password-reset:email", _account(email), rate, True)
    return usage is None or usage["count"] <= usage["limit"]


def refused(response, refusal: Refusal | None):
    """Returns the response, as 429 Too Many Requests with `Retry-After` when refused."""
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response
