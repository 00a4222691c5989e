"""The programmes' JSON API, one module per area, and the apps built on programmes; each
module's `PATHS` joins /api/schema/."""

from __future__ import annotations

import importlib

AREAS = (
    "allied.programmes.api.setup",
    "allied.programmes.api.intake",
    "allied.programmes.api.matching",
    "allied.programmes.api.relationship",
    "allied.allyship.api",
    "allied.circles.api",
)


def paths() -> dict:
    """Returns every area's OpenAPI path items."""
    merged: dict = {}
    for area in AREAS:
        module = importlib.import_module(area)
        for path, item in getattr(module, "PATHS", {}).items():
            merged.setdefault(path, {}).update(item)
    return merged
