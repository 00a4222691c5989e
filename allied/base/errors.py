"""Refusals every app shares."""


class Refused(Exception):
    """Something the person tried cannot be done now; nothing was changed. Pages show the
    message; the API answers 409 with it."""
