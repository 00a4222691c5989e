"""The programmes' JSON API, one module per area; each module's `PATHS` joins /api/schema/
(assembled in `allied.web.schema`)."""

from __future__ import annotations

from allied.programmes.api import intake, setup


def paths() -> dict:
    """Returns every area's OpenAPI path items."""
    merged: dict = {}
    for area in (setup, intake):
        for path, item in area.PATHS.items():
            merged.setdefault(path, {}).update(item)
    return merged
