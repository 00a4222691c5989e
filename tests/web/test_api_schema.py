"""The whole API's OpenAPI document, assembled at the top from every app's own paths."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def api_routes(resolver=None, prefix="") -> set[str]:
    routes = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            routes |= api_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("api/"):
                routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_the_schema_is_served_to_anyone_and_documents_every_api_url(client):
    response = client.get(reverse("web:api_schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert api_routes() == set(schema["paths"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
            assert operation["operationId"]
