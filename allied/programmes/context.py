"""Small helpers the programme views share."""

from __future__ import annotations

from allied.programmes.submissions import new_key


def with_submission(context: dict, data=None) -> dict:
    """Adds a submission key: the one the form sent back (so a re-shown form keeps it) or a
    new one."""
    sent = data.get("submission") if data is not None and hasattr(data, "get") else None
    context["submission_key"] = sent or new_key()
    return context
