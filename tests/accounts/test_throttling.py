"""Throttling stops guessing without locking real staff out: a stranger cannot lock an admin
out from elsewhere, spraying many accounts from one address stops, guesses at one account
from many addresses slow to one every few seconds, and a trust's staff signing in correctly
from one shared address are never slowed. Counted in the cache (Redis on PostgreSQL's pass)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from allied.accounts.models import Role
from allied.audit.models import AuditEvent, Kind
from tests.conftest import PASSWORD, create_person

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
TOKENS = reverse("workshops:api_token_create")
STRANGER, TRUST = "203.0.113.9", "198.51.100.20"


def sign_in_from(address, email, password=PASSWORD, client=None):
    client = client or Client()
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_cannot_lock_an_admin_out_from_elsewhere(alice):
    for _ in range(10):
        assert sign_in_from(STRANGER, alice.email, "a wrong guess!").status_code in (200, 429)
    refused = sign_in_from(STRANGER, alice.email)
    assert refused.status_code == 429
    # Alice, at work, enters her password and goes on to her security code.
    response = sign_in_from(TRUST, alice.email)
    assert response["Location"] == reverse("accounts:two_factor")


def test_spraying_many_accounts_from_one_address_is_stopped(org, settings):
    settings.SIGN_IN_CLIENT_FAILURE_LIMIT = 30
    people = [
        create_person(f"person{i}@alder.example", f"Person {i}", org, Role.MENTEE)
        for i in range(40)
    ]
    answers = [sign_in_from(STRANGER, person.email, "Summer2026!").status_code for person in people]
    assert answers[:30] == [200] * 30
    assert set(answers[30:]) == {429}
    # Even the right password is refused from there now; from elsewhere it works.
    refused = sign_in_from(STRANGER, people[0].email)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "There is a problem" in page and "too many failed attempts" in page
    assert "from your network" in page
    assert sign_in_from(TRUST, people[0].email).status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN_REFUSED).count() == 11


def test_fifty_staff_signing_in_from_one_shared_address_are_never_slowed(org):
    staff = [
        create_person(f"staff{i}@alder.example", f"Staff {i}", org, Role.MENTOR) for i in range(50)
    ]
    # A few typos on the way, as on any Monday morning.
    for person in staff[:8]:
        assert sign_in_from(TRUST, person.email, "a typo in it").status_code == 200
    assert all(sign_in_from(TRUST, person.email).status_code == 302 for person in staff)


def test_guesses_at_one_account_from_many_addresses_are_paced_not_locked(max_mentor, settings):
    settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT = 6
    # The owner signed in on their phone last week.
    phone = Client()
    assert sign_in_from(TRUST, max_mentor.email, client=phone).status_code == 302
    phone.post(reverse("accounts:sign_out"))
    for i in range(6):
        sign_in_from(f"192.0.2.{i}", max_mentor.email, "a wrong guess!")
    # Past the limit the account takes one attempt a minute from a new device.
    first = sign_in_from("192.0.2.100", max_mentor.email, "a wrong guess!")
    second = sign_in_from("192.0.2.101", max_mentor.email, "a wrong guess!")
    assert first.status_code == 200 and second.status_code == 429
    assert "only once every 30 seconds from a new device" in second.content.decode()
    assert sign_in_from("192.0.2.102", max_mentor.email).status_code == 429
    # The owner's own phone is not paced.
    assert sign_in_from(TRUST, max_mentor.email, client=phone).status_code == 302


def test_an_ipv6_network_counts_as_one_client(org, settings):
    settings.SIGN_IN_CLIENT_FAILURE_LIMIT = 5
    answers = [
        sign_in_from(f"2001:db8:1:2::{i:x}", f"person{i}@alder.example", "a guess!").status_code
        for i in range(8)
    ]
    assert answers == [200] * 5 + [429] * 3


def test_without_the_cache_sign_in_still_works(max_mentor, settings):
    # A cache server that does not answer: throttling lets people in rather than lock them out.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert sign_in_from(TRUST, max_mentor.email, "a wrong guess!").status_code == 200
    assert sign_in_from(TRUST, max_mentor.email).status_code == 302


def test_signing_in_starts_ones_own_count_again(max_mentor):
    client = Client()
    for _ in range(4):
        sign_in_from(TRUST, max_mentor.email, "a wrong guess!", client)
    assert sign_in_from(TRUST, max_mentor.email, client=client).status_code == 302
    client.post(reverse("accounts:sign_out"))
    for _ in range(4):
        sign_in_from(TRUST, max_mentor.email, "a wrong guess!", client)
    assert sign_in_from(TRUST, max_mentor.email, client=client).status_code == 302


def test_the_token_endpoint_counts_and_refuses_alike_with_retry_after(max_mentor):
    for _ in range(5):
        response = Client().post(
            TOKENS,
            {"email": max_mentor.email, "password": "a wrong guess!"},
            "application/json",
            REMOTE_ADDR=STRANGER,
        )
        assert response.status_code == 401
    refused = Client().post(
        TOKENS,
        {"email": max_mentor.email, "password": PASSWORD},
        "application/json",
        REMOTE_ADDR=STRANGER,
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "too many failed attempts" in refused.json()["error"]
    # The page shares the count: the same address is refused there too.
    assert sign_in_from(STRANGER, max_mentor.email).status_code == 429


def test_wrong_security_codes_count_too(carol, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    sign_in_from(TRUST, carol.email, client=client)
    for _ in range(5):
        client.post(reverse("accounts:two_factor"), {"code": "000000"}, REMOTE_ADDR=TRUST)
    refused = client.post(reverse("accounts:two_factor"), {"code": "000000"}, REMOTE_ADDR=TRUST)
    assert refused.status_code == 429
    assert "too many failed attempts" in refused.content.decode()


def test_resetting_ones_password_lifts_the_refusal_as_the_message_says(
    max_mentor, django_capture_on_commit_callbacks
):
    client = Client()
    for _ in range(5):
        sign_in_from(TRUST, max_mentor.email, "a wrong guess!", client)
    refused = sign_in_from(TRUST, max_mentor.email, client=client)
    assert refused.status_code == 429 and "reset your password" in refused.content.decode()
    client.post(reverse("accounts:password_reset"), {"email": max_mentor.email}, REMOTE_ADDR=TRUST)
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    new = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form.redirect_chain[-1][0], new, REMOTE_ADDR=TRUST)
    assert (
        sign_in_from(TRUST, max_mentor.email, "a brand new passphrase", client).status_code == 302
    )


def test_guessing_invitation_links_is_stopped(client, settings):
    settings.GUESS_LIMIT = 3
    for i in range(3):
        url = reverse("accounts:invitation", args=[f"guess-{i}"])
        assert client.get(url, REMOTE_ADDR=STRANGER).status_code == 404
    refused = client.get(reverse("accounts:invitation", args=["guess-9"]), REMOTE_ADDR=STRANGER)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()


def test_password_reset_requests_flood_neither_an_inbox_nor_the_site(max_mentor, mia, settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT = 2
    settings.PASSWORD_RESET_CLIENT_LIMIT = 4
    url = reverse("accounts:password_reset")
    answers = [
        Client().post(url, {"email": max_mentor.email}, REMOTE_ADDR=STRANGER) for _ in range(4)
    ]
    # The page answers alike each time; only two emails go out.
    assert {a["Location"] for a in answers} == {reverse("accounts:password_reset_sent")}
    assert len(mail.outbox) == 2
    refused = Client().post(url, {"email": "ghost@alder.example"}, REMOTE_ADDR=STRANGER)
    assert refused.status_code == 429
    assert "too many requests to reset a password" in refused.content.decode()
    # From elsewhere, someone else's reset still goes out.
    Client().post(url, {"email": mia.email}, REMOTE_ADDR=TRUST)
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [mia.email]
