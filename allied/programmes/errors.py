"""Refusals in programmes: the page shows the message, the API answers 409."""

from allied.base.errors import Refused


class ProgrammeError(Refused):
    """What the person tried cannot be done now (a full mentor, a stale page, a closed
    intake); nothing was changed."""
