"""One-time keys for forms that create something (a meeting, a goal, a concern).

Each such form carries a fresh `submission` UUID (the `programmes/includes/submission.html`
include). The created row stores it in a unique column, so a double click, a resent form or a
retry after a dropped connection finds the row the first submission made instead of making
another.
"""

from __future__ import annotations

import uuid

FIELD = "submission"


def new_key() -> str:
    return str(uuid.uuid4())


def key_from(data) -> uuid.UUID | None:
    """Returns the submission key the form sent, or None when it sent none or a malformed one
    (the form then simply has no double-submission protection: nothing is refused)."""
    raw = (data.get(FIELD) or "").strip() if hasattr(data, "get") else ""
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def already_made(model, key: uuid.UUID | None):
    """Returns the row an earlier submission with this key made, or None."""
    if key is None:
        return None
    return model.objects.filter(submission=key).first()
