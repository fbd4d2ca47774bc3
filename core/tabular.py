"""Tables written as CSV or XLSX with an HXL hashtag row under the header: the one writer of every
download (the exports of the reports, the movement manifests).

HXL (Humanitarian Exchange Language, hxlstandard.org) core hashtags and attributes tag each column so
that partners' tools (HDX, the HXL Proxy) read the files without a mapping. The header row is in the
user's language; the hashtag row never changes.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from .text import CONTROL_CHARACTERS

CSV = "csv"
XLSX = "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    """One written column: its header (in the user's language), its HXL hashtag and its value."""

    header: str | Promise
    tag: str
    value: Callable[[Any], Any]


# A cell a spreadsheet would run as a formula (CSV injection, OWASP); plain numbers such as an
# E.164 phone number are left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?[\d\s().]+$")


def text_value(value: Any) -> str:
    """A value as CSV text: dates in ISO 8601, date-times in UTC, lists joined, formulas defused."""
    if type(value) is str:  # most cells: no other test applies (a thousand rows of twenty each)
        return "'" + value if value.startswith(_FORMULA_START) and not _NUMBER.match(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def cell_value(value: Any) -> Any:
    """A value for a spreadsheet cell: numbers and dates keep their type (Excel has no time zones:
    date-times are written in UTC)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, datetime.UTC).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, datetime.date)):
        return value
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    # A control character stored before the API refused them (core.text) would make openpyxl
    # refuse the whole workbook: each is written as U+FFFD, visibly replaced.
    return CONTROL_CHARACTERS.sub("\ufffd", str(value))


class _Echo:
    """A file-like object whose write() answers what it was given, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """The header, the hashtag row, then the rows, a batch at a time (nothing held whole)."""
    writer = csv.writer(_Echo())
    yield writer.writerow([str(column.header) for column in columns]).encode()
    yield writer.writerow([column.tag for column in columns]).encode()
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([text_value(value) for value in row]))
        if len(batch) >= 200:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def xlsx_workbook(title: str, columns: Sequence[Column], rows: Iterable[list], into=None):
    """The workbook in a temporary file, or in ``into`` (openpyxl's write-only mode keeps no row in
    memory); the file is answered rewound."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.append([column.tag for column in columns])
    for row in rows:
        cells = []
        for value in row:
            value = cell_value(value)
            if isinstance(value, str) and value.startswith("="):
                # openpyxl would write it as a formula: keep it text.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    handle = into if into is not None else tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
