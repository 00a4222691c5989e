"""Pieces of OpenAPI 3.1 every API module's `PATHS` is built from."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}
USER = [{"bearer": []}, {"session": []}]

# What each error status means, unless a module says more about its own refusals.
MEANINGS = {
    400: "Bad input: a missing or malformed field. Nothing was changed.",
    401: "No usable credentials.",
    403: "Your role does not allow this (recorded in the audit log), or the CSRF check failed.",
    404: "Not found, or not yours to see.",
    405: "Wrong method.",
    409: "Refused now. Nothing was changed.",
}


def errors(*codes: int, meanings: dict | None = None) -> dict:
    """Returns the error responses for `codes`, each a JSON {"error": ...}."""
    meanings = {**MEANINGS, **(meanings or {})}
    return {
        str(code): {
            "description": meanings[code],
            "content": {"application/json": {"schema": ERROR}},
        }
        for code in codes
    }


def ok(schema: dict, description: str, status: int = 200) -> dict:
    """Returns a successful JSON response."""
    return {
        str(status): {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def body(schema: dict) -> dict:
    """Returns a required request body, as JSON or as a form."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
        },
    }
