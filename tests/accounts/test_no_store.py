"""No cache keeps an answer to someone signed in, nor any download (the access matrix checks
every URL for the signed-in; these check the rest)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from allied.accounts.middleware import NoStoreMiddleware
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def answer_with(response, user=None):
    request = RequestFactory().get("/anything/")
    if user is not None:
        request.user = user
    return NoStoreMiddleware(lambda request: response)(request)


def test_a_download_to_someone_not_signed_in_is_not_stored():
    download = HttpResponse(b"a,b\n", content_type="text/csv")
    download["Content-Disposition"] = 'attachment; filename="ideas.csv"'

    response = answer_with(download, AnonymousUser())

    assert "no-store" in response["Cache-Control"]


def test_a_public_page_stays_cacheable(client):
    assert "no-store" not in client.get("/about/").get("Cache-Control", "")


def test_a_static_file_stays_cacheable_even_for_someone_signed_in(client, mia):
    sign_in(client, mia)
    response = client.get("/static/allied/live.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_signed_in_page_is_not_stored_and_what_a_view_set_is_kept(client, mia):
    sign_in(client, mia)
    assert "no-store" in client.get("/about/")["Cache-Control"]
    kept = HttpResponse()
    kept["Cache-Control"] = "private, no-store"
    assert answer_with(kept, mia)["Cache-Control"] == "private, no-store"
