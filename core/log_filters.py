"""Logging filters (mcof_site.settings LOGGING)."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (403) is an ordinary answer: Django logs it with the exception's traceback;
    this keeps the one line ("Forbidden (Permission denied): /path") and drops the traceback. A 500
    keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
