"""Reading an uploaded table: CSV (its encoding and delimiter guessed) or the first sheet of an XLSX
workbook, streamed row by row as lists of strings. Knows no model: any app's import reads with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

# The formats, as ``ImportBatch.Format`` stores them.
CSV, XLSX = "csv", "xlsx"


class ImportFileError(Exception):
    """The file cannot be read as a table (not CSV or XLSX, damaged, empty)."""


def file_format_of(name: str) -> str | None:
    """``CSV`` or ``XLSX`` from a file's name; None for any other kind of file."""
    lower = name.lower()
    if lower.endswith((".csv", ".txt")):
        return CSV
    if lower.endswith(".xlsx"):
        return XLSX
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _csv_rows(handle) -> Iterator[list[str]]:
    head = handle.read(65536)
    handle.seek(0)
    encoding = _csv_encoding(head)
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    sample = head[:8192].decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        for row in csv.reader(text, delimiter=delimiter):
            yield [cell.strip() for cell in row]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    finally:
        text.detach()


def _xlsx_rows(handle) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def read_rows(file: File, file_format: str) -> Iterator[list[str]]:
    """Every row of the first sheet as a list of strings, the header first; streamed from the file
    (a Django ``File``: an upload, or the ``FileField`` that stored it)."""
    file.open("rb")
    try:
        if file_format == XLSX:
            yield from _xlsx_rows(file)
        else:
            yield from _csv_rows(file)
    finally:
        file.close()


def is_blank(row: list[str]) -> bool:
    return not any(cell for cell in row)
