import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["web:home", "web:about", "web:privacy", "web:accessibility"])
def test_public_pages_open_for_anyone(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "nhsuk-header" in response.content.decode()


def test_the_home_page_sends_a_signed_in_person_to_their_dashboard(client, signed_in, mia):
    signed_in(mia)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:dashboard")


def test_an_admins_dashboard_links_to_people_and_the_audit_log(client, signed_in, alice, org):
    signed_in(alice)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("accounts:people", args=[org.slug]) in page
    assert reverse("audit:log", args=[org.slug]) in page


def test_a_mentees_dashboard_shows_their_role_and_no_admin_links(client, signed_in, mia, org):
    signed_in(mia)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Your roles: Mentee" in page
    assert reverse("audit:log", args=[org.slug]) not in page
    assert reverse("accounts:people", args=[org.slug]) not in page


def test_someone_with_no_role_is_told_how_to_join(client, signed_in, nora):
    signed_in(nora)
    assert (
        "You do not have a role in any organisation yet"
        in client.get(reverse("web:dashboard")).content.decode()
    )


def test_the_health_check_reports_the_database(client):
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json()["database"] is True


def test_an_unknown_page_gets_the_nhs_style_not_found_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_shows_a_calm_page():
    from allied.web.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Nothing you had already saved has been lost" in response.content.decode()


def test_pages_send_security_headers_and_a_csp_without_inline_script(client):
    response = client.get(reverse("accounts:sign_in"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_pages_let_no_feature_use_the_camera_microphone_or_location(client):
    policy = client.get(reverse("accounts:sign_in"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_forms_are_protected_against_cross_site_requests(max_mentor):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:sign_in"), {"email": max_mentor.email, "password": "x"}
    )
    assert response.status_code == 403


def test_a_facilitator_without_two_factor_gets_the_menu(client, signed_in, fay):
    signed_in(fay)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert 'aria-label="Menu"' in page and reverse("workshops:list") in page


def fault(raised: BaseException):
    """Returns what the 500 handler answers while Django handles `raised`, as it does."""
    from allied.web.views import server_error

    try:
        raise raised
    except BaseException:
        return server_error(RequestFactory().get("/dashboard/"))


def database_error(cause: BaseException):
    from django.db import OperationalError

    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def test_with_debug_off_a_database_that_does_not_answer_gives_the_503_page():
    import psycopg
    import psycopg_pool

    for cause in [
        psycopg.OperationalError("connection failed: Connection refused"),
        psycopg_pool.PoolTimeout("couldn't get a connection after 4.00 sec"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    ]:
        response = fault(database_error(cause))
        assert response.status_code == 503 and response["Retry-After"] == "30", cause
        assert "Allied's database is not answering just now" in response.content.decode()


def test_a_fault_in_a_query_stays_a_500_the_logs_explain():
    import sqlite3

    import psycopg

    for cause in [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        sqlite3.OperationalError("no such table: accounts_user"),
    ]:
        assert fault(database_error(cause)).status_code == 500, cause
