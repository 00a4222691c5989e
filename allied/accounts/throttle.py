"""How many wrong guesses anyone may make at signing in (the page, the token endpoint and the
two-factor code), counted in the cache (Redis when `REDIS_URL` is set) by django-ratelimit.
Decision 0021 says why these limits and this library.

Only failures count, so a trust's staff signing in correctly from one shared address are never
slowed. Three limits apply to every attempt, each to the address typed whether or not an
account has it, so the answer never reveals whether an account exists:

- per account and client address (`SIGN_IN_FAILURE_LIMIT` in `SIGN_IN_FAILURE_WINDOW_SECONDS`):
  someone guessing one person's password from one place is stopped, and only there; a
  stranger elsewhere cannot lock the owner out. It starts again after the owner signs in or
  changes their password;
- per client address, over all accounts (`SIGN_IN_CLIENT_FAILURE_LIMIT` in
  `SIGN_IN_CLIENT_WINDOW_SECONDS`): spraying many accounts from one place is stopped;
- per account, from anywhere (`SIGN_IN_ACCOUNT_FAILURE_LIMIT` in the account window): past it
  the account is not locked but paced, one attempt every `SIGN_IN_PACE_SECONDS` from anyone,
  so guesses from many addresses slow to a crawl while the owner still gets in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage

from allied.audit.log import client_ip


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and how many seconds until another may be made."""

    message: str
    retry_after: int


GROUPS = {
    "account_client": "sign-in:account-client",
    "client": "sign-in:client",
    "account": "sign-in:account",
}


def _usage(request, group: str, value: str, rate: tuple[int, int], increment: bool):
    return get_usage(
        request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment
    )


def _reached(usage) -> bool:
    return usage is not None and usage["count"] >= usage["limit"]


def _wait(usage) -> int:
    return max(1, usage["time_left"]) if usage else 1


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _keys(request, email: str) -> dict[str, str]:
    """The counters' keys for this attempt. The per-account-and-client key carries the
    account's last sign-in and password, so it starts again after either changes."""
    from allied.accounts.models import User

    email = email.strip().lower()
    address = client_ip(request) or "unknown"
    user = User.objects.filter(email__iexact=email).only("last_login", "password").first()
    since = ""
    if user is not None:
        since = f"{user.last_login.timestamp() if user.last_login else ''}:{user.password[-16:]}"
    return {
        "account_client": f"{email}|{address}|{since}",
        "client": address,
        "account": email,
    }


def _rates() -> dict[str, tuple[int, int]]:
    return {
        "account_client": (settings.SIGN_IN_FAILURE_LIMIT, settings.SIGN_IN_FAILURE_WINDOW_SECONDS),
        "client": (settings.SIGN_IN_CLIENT_FAILURE_LIMIT, settings.SIGN_IN_CLIENT_WINDOW_SECONDS),
        "account": (
            settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT,
            settings.SIGN_IN_FAILURE_WINDOW_SECONDS,
        ),
    }


def sign_in_refusal(request, email: str) -> Refusal | None:
    """Returns why this attempt to sign in as `email` is refused, or None when it may go
    ahead. An attempt on a paced account uses up its turn."""
    keys, rates = _keys(request, email), _rates()
    usage = _usage(request, GROUPS["client"], keys["client"], rates["client"], False)
    if _reached(usage):
        wait = _wait(usage)
        return Refusal(
            "There have been too many failed attempts to sign in from your network. "
            f"Wait {_minutes(wait)} and try again.",
            wait,
        )
    usage = _usage(
        request, GROUPS["account_client"], keys["account_client"], rates["account_client"], False
    )
    if _reached(usage):
        wait = _wait(usage)
        return Refusal(
            "There have been too many failed attempts to sign in with this email address. "
            f"Wait {_minutes(wait)} and try again, or reset your password.",
            wait,
        )
    if _reached(_usage(request, GROUPS["account"], keys["account"], rates["account"], False)):
        pace = (1, settings.SIGN_IN_PACE_SECONDS)
        turn = _usage(request, "sign-in:account-pace", keys["account"], pace, True)
        if turn is not None and turn["count"] > 1:
            wait = _wait(turn)
            return Refusal(
                "There have been many failed attempts to sign in with this email address, so it "
                f"can be tried only once every {settings.SIGN_IN_PACE_SECONDS} seconds. "
                f"Wait {wait} second{'s' if wait != 1 else ''} and try again.",
                wait,
            )
    return None


def sign_in_failed(request, email: str) -> None:
    """Counts a wrong password or two-factor code for `email` against every limit."""
    keys, rates = _keys(request, email), _rates()
    for name, group in GROUPS.items():
        _usage(request, group, keys[name], rates[name], True)
