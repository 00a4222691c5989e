"""Under /api/ every answer is JSON, errors included, in the one shape the schema documents
({"error": "..."}), and the API holds to its schema where it used to accept more."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpResponseNotFound
from django.test import Client, override_settings
from django.urls import reverse

from allied.allyship.models import Reflection
from tests.allyship.helpers import reflection_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def is_json_error(response, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"] == "application/json"
        and set(response.json()) == {"error"}
        and response.json()["error"]
    )


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "path", ["/api/nothing-here/", "/api/workshops/not-a-number/", "/api/j/", "/api/"]
)
def test_a_url_that_matches_no_endpoint_answers_json_404(path, debug):
    with override_settings(DEBUG=debug):
        assert is_json_error(Client().get(path), 404)


def test_pages_keep_their_html_error_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_wrong_method_answers_json_405_naming_the_allowed_ones():
    response = Client().put(reverse("web:api_schema"))
    assert is_json_error(response, 405) and response["Allow"] == "GET"


def test_a_body_django_cannot_parse_answers_json_400_and_changes_nothing():
    response = Client().generic(
        "POST",
        "/api/tokens/",
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert is_json_error(response, 400)


def test_an_empty_or_malformed_submission_key_is_bad_input_not_silently_ignored(client, world):
    sign_in(client, world["max_mentor"])
    url = reverse("allyship:api_reflections")
    for key in ["", "not-a-uuid", None, ["a", "b"]]:
        body = {**reflection_data(4), "submission": key}
        response = client.post(url, body, content_type="application/json")
        assert is_json_error(response, 400), key
        assert response.json()["error"].startswith("'submission' must be")
    assert not Reflection.objects.filter(author=world["max_mentor"]).exists()
    key = str(uuid.uuid4())
    for _ in range(2):
        sent = client.post(
            url, {**reflection_data(4), "submission": key}, content_type="application/json"
        )
        assert sent.status_code == 201
    assert Reflection.objects.filter(author=world["max_mentor"]).count() == 1


def test_a_list_where_one_value_belongs_is_bad_input(org, fay):
    from allied.workshops.models import Question, Workshop

    workshop = Workshop.objects.create(organisation=org, title="Rehearsal", created_by=fay)
    Question.objects.create(workshop=workshop, order=1, text="What matters?")
    response = Client().post(
        reverse("workshops:api_join", args=[workshop.join_code]),
        {"consent": True, "invitation": [None, None]},
        content_type="application/json",
    )
    assert is_json_error(response, 400)
    assert "'invitation' must be one value" in response.json()["error"]
    assert not workshop.participants.exists()


def test_a_form_may_repeat_a_field_and_the_last_value_counts(org, fay):
    """Form bodies keep Django's reading: the same field twice is not a list."""
    from allied.workshops.models import Question, Workshop

    workshop = Workshop.objects.create(organisation=org, title="Rehearsal", created_by=fay)
    Question.objects.create(workshop=workshop, order=1, text="What matters?")
    response = Client().post(
        reverse("workshops:api_join", args=[workshop.join_code]),
        "consent=no&consent=true",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201


def test_a_body_nested_too_deeply_is_bad_input_not_a_server_error():
    response = Client().post("/api/tokens/", b"[" * 100_000, content_type="application/json")
    assert is_json_error(response, 400)
    assert "nested too deeply" in response.json()["error"]


def test_a_rewritten_error_keeps_the_cookies_the_answer_set():
    from django.test import RequestFactory

    from allied.accounts.middleware import ApiErrorsMiddleware

    def page(request):
        response = HttpResponseNotFound("<html>Not here</html>")
        response.set_cookie("allied-example", "kept")
        return response

    request = RequestFactory().get("/api/nothing/")
    response = ApiErrorsMiddleware(page)(request)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.cookies["allied-example"].value == "kept"
