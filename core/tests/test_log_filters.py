"""A refused request (403) is logged on one line; a server error keeps its traceback."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _console():
    return next(
        h for h in logging.getLogger().handlers if any(f.__class__.__name__ == "RefusalsOnOneLine" for f in h.filters)
    )


def test_a_403_is_logged_on_one_line(users, client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(users["gov_egy"]).get(reverse("caseload:migrant_list"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request" and r.status_code == 403]
    handler = _console()
    assert handler.filter(record)
    line = handler.format(record)
    # Django attaches the exception's traceback to this record; the console keeps one line of it.
    assert "Forbidden" in line and "\n" not in line and "Traceback" not in line


def test_a_server_error_keeps_its_traceback():
    handler = _console()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    record.status_code = 500
    handler.filter(record)
    assert "Traceback" in handler.format(record)
