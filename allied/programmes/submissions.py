"""Rows made once per form submission: the keys come from `allied.base.submissions`.

Each such form carries a fresh `submission` UUID (the `web/includes/submission.html`
include). The created row stores it in a unique column, so a double click, a resent form or a
retry after a dropped connection finds the row the first submission made instead of making
another.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from allied.programmes.errors import ProgrammeError


def already_made(model, key: uuid.UUID | None):
    """Returns the row an earlier submission with this key made, or None."""
    if key is None:
        return None
    return model.objects.filter(submission=key).first()


def _made_for(model, key, owner: dict):
    earlier = already_made(model, key)
    if earlier is not None and any(getattr(earlier, k) != v for k, v in owner.items()):
        raise ProgrammeError("This form was already used for something else.")
    return earlier


def create_once(model, key, owner: dict, *, before=None, **fields):
    """Creates the row, or returns the one an earlier submission with `key` made. Returns
    (row, made). `owner` ({"relationship_id": 3}) is stored on the row and must match an
    earlier one; `before` runs only when a row is about to be made (to refuse a change the
    state no longer allows without refusing a harmless resend). Two simultaneous submissions
    with one key: the unique column decides, and the loser gets the winner's row."""
    earlier = _made_for(model, key, owner)
    if earlier is not None:
        return earlier, False
    if before is not None:
        before()
    try:
        with transaction.atomic():
            return model.objects.create(submission=key, **owner, **fields), True
    except IntegrityError:
        earlier = _made_for(model, key, owner)
        if earlier is None:
            raise ProgrammeError("This form was already used.") from None
        return earlier, False
