"""The whole API's OpenAPI document, assembled at the top from each app's own paths."""

from __future__ import annotations

import copy

from allied.allyship import api as allyship_api
from allied.base.openapi import errors
from allied.circles import api as circles_api
from allied.matching import api as matching_api
from allied.mentoring.api import relationship as mentoring_api
from allied.programmes import api as programmes_api
from allied.workshops import openapi as workshops_openapi


def paths() -> dict:
    """Returns every app's OpenAPI path items, merged by path."""
    merged: dict = {}
    for app_paths in (
        workshops_openapi.paths(),
        programmes_api.paths(),
        matching_api.PATHS,
        mentoring_api.PATHS,
        allyship_api.PATHS,
        circles_api.PATHS,
    ):
        for path, item in app_paths.items():
            merged.setdefault(path, {}).update(item)
    for item in merged.values():
        for method, operation in item.items():
            if method in UNSAFE and {"session": []} in operation.get("security", [{"session": []}]):
                # A session's unsafe request without the CSRF token is refused before the
                # endpoint runs, so every such operation can answer 403.
                operation["responses"].setdefault("403", errors(403)["403"])
    return merged


UNSAFE = {"post", "put", "patch", "delete"}


def schema(server: str = "/") -> dict:
    """Returns the OpenAPI document, naming `server` as the API's base address."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Allied API",
                "version": "1",
                "description": "Every action of a live Nominal Group Technique workshop and of "
                "a mentoring programme. "
                "Authenticate like the pages (a session, whose unsafe requests need the CSRF "
                "token in X-CSRFToken) or with a token (exempt from CSRF). Errors are "
                '{"error": "..."} with the status saying why.',
            },
            "servers": [{"url": server.rstrip("/") or "/"}],
            "paths": paths(),
            "components": {
                "schemas": workshops_openapi.SCHEMAS,
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API token from POST /api/tokens/.",
                    },
                    "participant": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": "`Participant <token>`, the token POST /api/join/{code}/ returned.",
                    },
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "sessionid",
                        "description": "A signed-in browser session, or one that joined the workshop "
                        "(the cookie is __Host-allied-session in production).",
                    },
                },
            },
        }
    )
