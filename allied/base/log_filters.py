"""Filters for the log, named in the LOGGING setting."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403) is the access rules working, not a fault: Django logs it with
    the exception's traceback, which buries real errors. Keep its one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
