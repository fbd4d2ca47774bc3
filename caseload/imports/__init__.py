"""Bulk import of migrants from CSV and XLSX: reading, column mapping, row validation and the services.

Offices receive registration lists and evacuation manifests of thousands of people (framework,
Sector 3 "evacuation" and Annex I paragraph 9). An import is uploaded for one crisis of the office,
its columns are mapped to the fields of a migrant, every row is checked (a task), the office sees a
preview and the errors of each row and field, then saves (a task). By default nothing is saved when
a row is bad; with the option, the good rows are saved and the rejected ones are downloadable.

A row is checked by the same rules as the registration form and the API: the form's field parsers
(dates, ages, lists), the model fields' validators (choices, ISO 3166-1 codes, phone in E.164, dates
of birth not in the future) and the service's rule that a date of birth or an estimated age is given.
The results of the fields whose values repeat (sex, nationality, dates...) are remembered for the
batch, so that a file of 100,000 rows is checked in seconds.

The modules, in the order of the work:

- ``reading``: the rows of an uploaded CSV or XLSX file, streamed as lists of strings;
- ``mapping``: which column names which field (``Columns``: headers in every language, aliases,
  required fields);
- ``fields``: the migrant's columns, described for ``mapping``;
- ``validation``: each row checked by the registration's rules, and the new migrant it makes;
- ``selectors``, ``services``: the batches a user sees; upload, map, commit, undo, expiry of the
  checked rows not saved;
- ``work``: what the task does, chunk by chunk, resuming where the last run stopped: the check keeps
  the checked values of the good rows (``ImportStagedChunk``), from which the save builds the migrants
  without checking them again.

``reading`` and ``mapping`` know no model, so that another app's import reuses them. The
displacement tracking's assessment rounds (one row per site, from XLSX or CSV), for instance::

    from caseload.imports.mapping import Columns
    from caseload.imports.reading import ImportFileError, file_format_of, is_blank, read_rows

    SITE_COLUMNS = Columns(
        fields=("site_code", "households", "individuals", "needs"),
        required=("site_code", "individuals"),
        label=lambda name: str(SiteRoundForm.base_fields[name].label),
        aliases={"p-code": "site_code", "hh": "households"},
    )
    headers = next(row for row in read_rows(upload, file_format_of(upload.name)) if not is_blank(row))
    mapping = SITE_COLUMNS.auto_mapping(headers)  # the proposal shown to the user
    mapping = SITE_COLUMNS.check(mapping, len(headers))  # ValidationError naming what is missing

It then writes its own ``fields``, ``validation``, services and task on the model of these, with
its own batch model.
"""

from .fields import CHOICES, IMPORT_FIELDS, REQUIRED_FIELDS, auto_mapping, check_mapping, field_label
from .mapping import NOT_MAPPED
from .reading import ImportFileError, file_format_of, is_blank, read_rows
from .selectors import import_batches_visible_to, import_crises_for
from .services import (
    MAX_UPLOAD_BYTES,
    import_commit,
    import_expire_checked,
    import_rejected_rows_read,
    import_set_mapping,
    import_undo,
    import_upload,
)
from .validation import RowResult, RowValidator
from .work import BUSY, DONE, MORE, import_run

__all__ = [
    "BUSY",
    "CHOICES",
    "DONE",
    "IMPORT_FIELDS",
    "MAX_UPLOAD_BYTES",
    "MORE",
    "NOT_MAPPED",
    "REQUIRED_FIELDS",
    "ImportFileError",
    "RowResult",
    "RowValidator",
    "auto_mapping",
    "check_mapping",
    "field_label",
    "file_format_of",
    "import_batches_visible_to",
    "import_commit",
    "import_crises_for",
    "import_expire_checked",
    "import_rejected_rows_read",
    "import_run",
    "import_set_mapping",
    "import_undo",
    "import_upload",
    "is_blank",
    "read_rows",
]
