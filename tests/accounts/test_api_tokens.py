"""API tokens end when they should: at their expiry, when revoked, and as soon as their owner's
password, sessions or roles change; a role that needs two-factor accepts no token made without
a code. Each change is made the way a person makes it: through the pages and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts.models import ApiToken, Role
from allied.accounts.totp import current_code
from allied.audit.models import AuditEvent, Kind
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/programmes/"


def made_by_the_api(user, name="Spreadsheet") -> str:
    """Returns a token made as a program makes one: POST /api/tokens/, with the current
    two-factor code when the person has an authenticator."""
    body = {"email": user.email, "password": PASSWORD, "name": name}
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        body["totp"] = current_code(device)
    response = Client().post(reverse("workshops:api_token_create"), body, "application/json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def use(token):
    return Client().get(PROGRAMMES, HTTP_AUTHORIZATION=f"Bearer {token}")


def works(token) -> bool:
    status = use(token).status_code
    assert status in (200, 401, 403), status
    return status == 200


def test_a_new_token_says_when_it_ends_and_works_until_then(max_mentor, settings):
    settings.API_TOKEN_DAYS = 7
    response = Client().post(
        reverse("workshops:api_token_create"),
        {"email": max_mentor.email, "password": PASSWORD},
        "application/json",
    )
    token = ApiToken.objects.get(user=max_mentor)
    assert response.json()["expires_at"] == token.expires_at.isoformat()
    assert token.expires_at - token.created_at == timedelta(days=7)
    assert works(response.json()["token"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert use(response.json()["token"]).status_code == 401
    # Refused by its expiry alone: nothing ended it.
    token.refresh_from_db()
    assert token.revoked_at is None and token.ended_because == ""


def test_a_password_reset_by_email_ends_every_token(client, max_mentor):
    tokens = [made_by_the_api(max_mentor, name) for name in ("Laptop", "Script")]
    client.post(reverse("accounts:password_reset"), {"email": max_mentor.email})
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    new = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    assert not any(works(token) for token in tokens)
    assert set(ApiToken.objects.values_list("ended_because", flat=True)) == {"password_reset"}
    event = AuditEvent.objects.get(kind=Kind.API_TOKENS_ENDED)
    assert event.detail["ended"] == 2 and event.detail["because"] == "password_reset"


def test_changing_ones_password_ends_every_token_and_says_so(client, max_mentor):
    token = made_by_the_api(max_mentor)
    sign_in(client, max_mentor)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
        follow=True,
    )
    assert "your API tokens have ended" in response.content.decode()
    assert ApiToken.objects.get().ended_because == "password_changed"
    assert not works(token)


def test_signing_out_everywhere_ends_every_token(client, max_mentor):
    token = made_by_the_api(max_mentor)
    sign_in(client, max_mentor)
    client.post(reverse("accounts:sign_out_everywhere"))
    assert not works(token)
    assert ApiToken.objects.get().ended_because == "signed_out_everywhere"


def test_a_password_set_outside_the_pages_still_ends_tokens_at_their_next_use(client, max_mentor):
    token = made_by_the_api(max_mentor)
    max_mentor.set_password("set from the shell by IT")
    max_mentor.save()
    # The account page lists it no longer, before any use.
    sign_in(client, max_mentor)
    assert "Spreadsheet" not in client.get(reverse("accounts:account")).content.decode()
    assert not works(token)
    assert ApiToken.objects.get().ended_because == "credentials_changed"


def test_a_stronger_password_hash_at_sign_in_is_not_a_password_change(client, max_mentor, settings):
    token = made_by_the_api(max_mentor)
    stored = max_mentor.password
    # A new default hasher: the next sign-in upgrades the stored hash.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post(reverse("accounts:sign_in"), {"email": max_mentor.email, "password": PASSWORD})
    max_mentor.refresh_from_db()
    assert max_mentor.password != stored and max_mentor.password.startswith("pbkdf2")
    assert works(token)


def test_an_admin_changing_someones_roles_or_removing_them_ends_their_tokens(
    client, alice, max_mentor, org
):
    sign_in(client, alice)
    url = reverse("accounts:person_roles", args=[org.slug, max_mentor.pk])
    token = made_by_the_api(max_mentor)
    client.post(url, {"roles": [Role.MENTOR, Role.MENTEE]})
    assert not works(token)
    token = made_by_the_api(max_mentor)
    client.post(url, {"roles": []})
    assert not works(token)
    assert list(ApiToken.objects.values_list("ended_because", flat=True)) == [
        "roles_changed",
        "roles_changed",
    ]


def test_saving_someones_roles_unchanged_leaves_their_tokens(client, alice, max_mentor, org):
    token = made_by_the_api(max_mentor)
    sign_in(client, alice)
    url = reverse("accounts:person_roles", args=[org.slug, max_mentor.pk])
    client.post(url, {"roles": [Role.MENTOR]})
    assert works(token)


def test_a_mentor_promoted_to_admin_cannot_use_an_old_token_without_two_factor(
    client, alice, max_mentor, org
):
    token = made_by_the_api(max_mentor)
    sign_in(client, alice)
    client.post(
        reverse("accounts:person_roles", args=[org.slug, max_mentor.pk]),
        {"roles": [Role.MENTOR, Role.ORG_ADMIN]},
    )
    assert use(token).status_code == 401
    # A new token needs two-factor set up first, as the pages do.
    response = Client().post(
        reverse("workshops:api_token_create"),
        {"email": max_mentor.email, "password": PASSWORD},
        "application/json",
    )
    assert response.status_code == 403


def test_a_token_made_without_a_code_is_refused_to_a_role_that_needs_one(client, alice):
    # Tokens made before this check (or by a future path that forgets it) carry no code.
    _, secret = ApiToken.issue(user=alice, name="Made without a code", verified=False)
    response = use(secret)
    assert response.status_code == 403
    assert "two-factor" in response.json()["error"]
    assert works(made_by_the_api(alice, "Made with a code"))
    sign_in(client, alice)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Made with a code" in page and "Made without a code" not in page


def test_accepting_an_invitation_to_a_new_role_ends_ones_tokens(client, alice, max_mentor, org):
    token = made_by_the_api(max_mentor)
    sign_in(client, alice)
    client.post(
        reverse("accounts:invite", args=[org.slug]),
        {"email": max_mentor.email, "role": Role.FACILITATOR},
    )
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    invited = Client()
    sign_in(invited, max_mentor)
    invited.post(path)
    assert max_mentor.roles_in(org) == {Role.MENTOR, Role.FACILITATOR}
    assert ApiToken.objects.get().ended_because == "roles_changed"
    event = AuditEvent.objects.get(kind=Kind.API_TOKENS_ENDED)
    assert event.organisation == org and event.detail["because"] == "roles_changed"
    assert not works(token)


def test_ones_account_page_lists_live_tokens_and_revokes_one(client, max_mentor):
    kept, revoked = made_by_the_api(max_mentor, "Kept"), made_by_the_api(max_mentor, "Revoked")
    works(kept)
    sign_in(client, max_mentor)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Kept" in page and "Revoked" in page and "Not yet" in page
    target = ApiToken.objects.get(name="Revoked")
    response = client.post(reverse("accounts:token_revoke", args=[target.pk]), follow=True)
    assert "has been revoked" in response.content.decode()
    assert 'allied-token-name">Revoked<' not in response.content.decode()
    assert works(kept) and not works(revoked)
    again = client.post(reverse("accounts:token_revoke", args=[target.pk]), follow=True)
    assert "had already ended" in again.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.API_TOKEN_REVOKED, actor=max_mentor).count() == 1


def test_nobody_can_revoke_or_see_someone_elses_token(client, max_mentor, mia):
    token = made_by_the_api(max_mentor, "Max's script")
    sign_in(client, mia)
    assert "Max's script" not in client.get(reverse("accounts:account")).content.decode()
    pk = ApiToken.objects.get().pk
    assert client.post(reverse("accounts:token_revoke", args=[pk])).status_code == 404
    assert client.get(reverse("accounts:token_revoke", args=[pk])).status_code == 405
    assert works(token)


def test_erasing_someone_ends_their_tokens(client, alice, max_mentor, org):
    token = made_by_the_api(max_mentor)
    sign_in(client, alice)
    response = client.post(
        reverse("rights:person_erase", args=[org.slug, max_mentor.pk]),
        {"confirm": max_mentor.email},
    )
    assert response.status_code == 302, response.content
    assert not works(token)
