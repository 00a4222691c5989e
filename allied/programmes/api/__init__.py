"""The programmes' JSON API, one module per area; each module's `PATHS` joins /api/schema/."""

from __future__ import annotations

import importlib

AREAS = ("setup", "intake", "matching", "relationship")


def paths() -> dict:
    """Returns every area's OpenAPI path items."""
    merged: dict = {}
    for area in AREAS:
        module = importlib.import_module(f"allied.programmes.api.{area}")
        for path, item in getattr(module, "PATHS", {}).items():
            merged.setdefault(path, {}).update(item)
    return merged
