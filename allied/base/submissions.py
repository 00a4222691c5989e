"""One-time keys for forms that create something (a meeting, a goal, a concern, a theme).

Each such form carries a fresh `submission` UUID (the `web/includes/submission.html`
include). The created row stores it in a unique column, so a double click, a resent form or a
retry after a dropped connection finds the row the first submission made instead of making
another (`allied.programmes.submissions.create_once`).
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


def with_submission(context: dict, data=None) -> dict:
    """Adds a submission key to a page's context: the one the form sent back (so a re-shown
    form keeps it) or a new one."""
    sent = data.get(FIELD) if data is not None and hasattr(data, "get") else None
    context["submission_key"] = sent or new_key()
    return context
