"""Browser pages of migrant imports: upload, column mapping, progress, preview and errors, saving, undo."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import imports
from .imports import (
    CHOICES,
    IMPORT_FIELDS,
    NOT_MAPPED,
    REQUIRED_FIELDS,
    field_label,
    import_batches_visible_to,
    import_crises_for,
)
from .models import ImportBatch, Vulnerability
from .views import keyset_page

ERRORS_SHOWN = 100
SAMPLE_ROWS = 3


class UploadForm(forms.Form):
    crisis = forms.ModelChoiceField(label=gettext_lazy("Crisis"), queryset=None)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8) or XLSX, one person per row, column names on the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    save_valid_rows = forms.BooleanField(
        label=gettext_lazy("Save the good rows even if some rows have errors"),
        required=False,
        help_text=gettext_lazy("By default nothing is saved while a row has an error."),
    )

    def __init__(self, *args, crises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crisis"].queryset = crises


class MappingForm(forms.Form):
    save_valid_rows = UploadForm.base_fields["save_valid_rows"]

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], samples: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_MAPPED, _("Not imported"))] + [
            (name, f"{field_label(name)}{' *' if name in REQUIRED_FIELDS else ''}") for name in IMPORT_FIELDS
        ]
        self.columns = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            values = [row[index] for row in samples if index < len(row) and row[index]]
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(str(index), NOT_MAPPED),
            )
            self.columns.append({"name": name, "samples": values})

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }


def _imports_allowed(request: HttpRequest) -> None:
    """Office staff and HQ (read); every other role gets 404, as for an object it may not see."""
    if not (request.user.is_office_staff or request.user.is_hq):
        raise Http404


def _visible_batch(request: HttpRequest, pk: int) -> ImportBatch:
    _imports_allowed(request)
    return get_object_or_404(
        import_batches_visible_to(request.user).select_related("crisis", "office", "created_by"), pk=pk
    )


def _owner(request: HttpRequest, batch: ImportBatch) -> bool:
    return request.user.is_office_staff and batch.office_id in request.user.office_ids


def import_list(request: HttpRequest) -> HttpResponse:
    _imports_allowed(request)
    queryset = import_batches_visible_to(request.user).select_related("crisis", "office", "created_by")
    rows, next_after = keyset_page(queryset, request)
    return render(
        request,
        "caseload/imports/list.html",
        {"batches": rows, "next_after": next_after, "can_upload": import_crises_for(request.user).exists()},
    )


def import_create(request: HttpRequest) -> HttpResponse:
    _imports_allowed(request)
    if not request.user.is_office_staff:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, crises=import_crises_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_upload(
                actor=request.user,
                crisis=form.cleaned_data["crisis"],
                file=form.cleaned_data["file"],
                save_valid_rows=form.cleaned_data["save_valid_rows"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("caseload:import_mapping", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "caseload/imports/upload.html", {"form": form}, status=status)


def import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The template file: one column per field, named as the import recognises them."""
    _imports_allowed(request)
    if file_format == "csv":
        out = io.StringIO()
        csv.writer(out).writerow(IMPORT_FIELDS)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(
            _template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="migrants-template.{file_format}"'
    return response


def _template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Migrants"))
    sheet.append(list(IMPORT_FIELDS))
    codes = workbook.create_sheet(_("Codes"))
    codes.append([_("Column"), _("Code"), _("Meaning")])
    for name, choices in {**CHOICES, "vulnerabilities": Vulnerability}.items():
        for code, label in choices.choices:
            codes.append([name, code, str(label)])
    codes.append(["nationality", "EGY", _("ISO 3166-1 alpha-3 country code")])
    codes.append(["date_of_birth", "1990-05-17", _("Year-month-day")])
    codes.append(["phone", "+201001234567", _("International format")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    if not _owner(request, batch):
        raise PermissionDenied
    samples = [
        row
        for row in islice(imports.read_rows(batch.file, batch.file_format), 1, 1 + SAMPLE_ROWS)
        if not imports.is_blank(row)
    ]
    form = MappingForm(
        request.POST or None,
        headers=batch.headers,
        mapping=batch.mapping,
        samples=samples,
        initial={"save_valid_rows": batch.save_valid_rows},
    )
    if request.method == "POST" and form.is_valid():
        try:
            imports.import_set_mapping(
                actor=request.user,
                batch_id=batch.pk,
                mapping=form.mapping(),
                save_valid_rows=form.cleaned_data["save_valid_rows"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("caseload:import_detail", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "caseload/imports/mapping.html", {"batch": batch, "form": form}, status=status)


def _status_context(request: HttpRequest, batch: ImportBatch) -> dict:
    headers = {field: batch.headers[int(index)] for index, field in batch.mapping.items()}
    errors = []
    if batch.status != ImportBatch.Status.MAPPING and batch.error_rows:
        for row_error in batch.row_errors.order_by("row")[:ERRORS_SHOWN]:
            for field, texts in row_error.errors.items():
                errors.append(
                    {
                        "row": row_error.row,
                        "column": headers.get(field, ""),
                        "field": field_label(field) if field in IMPORT_FIELDS else field,
                        "messages": texts,
                    }
                )
    preview_fields = [f for f in IMPORT_FIELDS if f in batch.mapping.values()]
    return {
        "batch": batch,
        "is_owner": _owner(request, batch),
        "errors": errors,
        "errors_cut": batch.error_rows > ERRORS_SHOWN,
        "errors_shown": ERRORS_SHOWN,
        "preview_fields": [(f, field_label(f)) for f in preview_fields],
        "preview": [{"row": p.get("row"), "cells": [p.get(f, "") for f in preview_fields]} for p in batch.preview],
    }


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    return render(request, "caseload/imports/detail.html", _status_context(request, batch))


def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status part of the import page, which htmx polls while the import runs."""
    batch = _visible_batch(request, pk)
    return render(request, "caseload/imports/partials/status.html", _status_context(request, batch))


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    try:
        imports.import_commit(
            actor=request.user,
            batch_id=batch.pk,
            save_valid_rows=request.POST.get("save_valid_rows") == "on",
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saving the rows."))
    return redirect("caseload:import_detail", pk=batch.pk)


@require_POST
def import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    try:
        batch = imports.import_undo(actor=request.user, batch_id=batch.pk, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Import undone: its migrants were deleted."))
    return redirect("caseload:import_detail", pk=batch.pk)


def _rejected_lines(batch: ImportBatch) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    width = len(batch.headers)
    writer.writerow([*batch.headers, _("Row"), _("Errors")])
    yield "\ufeff" + out.getvalue()
    for row_error in batch.row_errors.order_by("row").iterator(chunk_size=2000):
        out.seek(0)
        out.truncate()
        values = (row_error.values + [""] * width)[:width]
        text = "; ".join(
            f"{field_label(field) if field in IMPORT_FIELDS else field}: {' '.join(texts)}"
            for field, texts in row_error.errors.items()
        )
        writer.writerow([*values, row_error.row, text])
        yield out.getvalue()


def import_rejected(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The rejected rows as they were in the file, with the row number and the errors of each."""
    batch = _visible_batch(request, pk)
    imports.import_rejected_rows_read(actor=request.user, batch=batch, request=request)
    response = StreamingHttpResponse(_rejected_lines(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-rejected-rows.csv"'
    return response
