import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts import totp
from allied.audit.models import AuditEvent, Kind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("accounts:sign_in")


def post_sign_in(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"email": email, "password": password, **extra})


def test_a_mentor_signs_in_with_email_and_password(client, max_mentor):
    response = post_sign_in(client, "MAX@alder.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, actor=max_mentor).exists()


@pytest.mark.real_hasher
def test_passwords_are_hashed_with_argon2(max_mentor):
    assert max_mentor.password.startswith("argon2")


def test_a_wrong_password_is_refused_with_a_message_that_reveals_nothing(client, max_mentor):
    wrong = post_sign_in(client, max_mentor.email, "not the password")
    unknown = post_sign_in(client, "ghost@alder.example", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.content.decode()
        assert "There is a problem" in response.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).count() == 2


def test_the_sixth_failure_within_30_minutes_is_refused_even_with_the_right_password(
    client, max_mentor
):
    for _ in range(5):
        post_sign_in(client, max_mentor.email, "wrong password!")
    response = post_sign_in(client, max_mentor.email)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 30 * 60
    assert "too many failed attempts" in response.content.decode()
    assert client.get(reverse("web:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN_REFUSED, email=max_mentor.email).exists()


def test_throttling_an_unknown_address_looks_the_same_as_a_real_one(client):
    for _ in range(5):
        post_sign_in(client, "ghost@alder.example", "wrong password!")
    response = post_sign_in(client, "ghost@alder.example", "wrong password!")
    assert "too many failed attempts" in response.content.decode()


def test_failures_before_a_successful_sign_in_do_not_count(client, max_mentor):
    for _ in range(4):
        post_sign_in(client, max_mentor.email, "wrong password!")
    assert post_sign_in(client, max_mentor.email).status_code == 302
    client.post(reverse("accounts:sign_out"))
    for _ in range(4):
        post_sign_in(client, max_mentor.email, "wrong password!")
    assert post_sign_in(client, max_mentor.email).status_code == 302


def test_a_coordinator_must_enter_a_security_code_after_the_password(client, carol, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise makes a retry wait a second
    response = post_sign_in(client, carol.email)
    assert response["Location"] == reverse("accounts:two_factor")
    # Not signed in yet.
    assert client.get(reverse("web:dashboard")).status_code == 302
    device = TOTPDevice.objects.get(user=carol)
    wrong = client.post(
        reverse("accounts:two_factor"),
        {"code": "000000" if totp.current_code(device) != "000000" else "111111"},
    )
    assert "The security code is not right" in wrong.content.decode()
    right = client.post(reverse("accounts:two_factor"), {"code": totp.current_code(device)})
    assert right["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_coordinator_without_an_authenticator_is_sent_to_set_one_up(client, make_person, org):
    from allied.accounts.models import Role

    carl = make_person("carl@alder.example", "Carl", org, Role.COORDINATOR, two_factor=False)
    post_sign_in(client, carl.email)
    response = client.get(reverse("web:dashboard"))
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "Set up two-factor authentication" in page.content.decode()
    device = TOTPDevice.objects.get(user=carl, confirmed=False)
    done = client.post(reverse("accounts:two_factor_setup"), {"code": totp.current_code(device)})
    assert done["Location"] == reverse("web:dashboard")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_slow_second_step_must_start_again(client, carol, settings):
    post_sign_in(client, carol.email)
    session = client.session
    session["allied_pending_at"] = time.time() - 3600
    session.save()
    response = client.get(reverse("accounts:two_factor"))
    assert response["Location"] == reverse("accounts:sign_in")


def test_the_next_page_must_be_on_this_site(client, max_mentor):
    response = post_sign_in(client, max_mentor.email, next="https://evil.example/")
    assert response["Location"] == reverse("web:dashboard")
    response = Client().post(
        SIGN_IN, {"email": max_mentor.email, "password": PASSWORD, "next": "/account/"}
    )
    assert response["Location"] == "/account/"


def test_thirty_minutes_without_activity_ends_the_session(client, signed_in, max_mentor):
    signed_in(max_mentor)
    assert client.get(reverse("web:dashboard")).status_code == 200
    session = client.session
    session["allied_seen_at"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_twelve_hours_after_signing_in_the_session_ends_however_active(
    client, signed_in, max_mentor
):
    signed_in(max_mentor)
    client.get(reverse("web:dashboard"))
    session = client.session
    session["allied_started_at"] = time.time() - 12 * 3600 - 1
    session.save()
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_signing_out_everywhere_ends_every_session(max_mentor):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        post_sign_in(device, max_mentor.email)
        assert device.get(reverse("web:dashboard")).status_code == 200
    laptop.post(reverse("accounts:sign_out_everywhere"))
    assert laptop.get(reverse("web:dashboard")).status_code == 302
    assert phone.get(reverse("web:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.SIGN_OUT_EVERYWHERE).count() == 1


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(max_mentor):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        post_sign_in(device, max_mentor.email)
    response = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh long passphrase",
            "new_password2": "a fresh long passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("web:dashboard")).status_code == 200
    assert phone.get(reverse("web:dashboard")).status_code == 302


def test_a_weak_new_password_is_refused_and_nothing_changes(client, signed_in, max_mentor):
    signed_in(max_mentor)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    max_mentor.refresh_from_db()
    assert max_mentor.check_password(PASSWORD)


def test_sign_out_needs_a_post(client, signed_in, max_mentor):
    signed_in(max_mentor)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    assert client.post(reverse("accounts:sign_out")).status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_the_account_page_shows_roles_and_two_factor_state(client, signed_in, carol):
    signed_in(carol)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Programme coordinator, Alder Trust" in page
    assert "Set up" in page
