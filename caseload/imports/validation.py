"""Checking the rows of an import by the rules of a registration, and building the new migrants."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import DateField
from django.utils import translation
from django.utils.translation import gettext as _

from ..forms import MigrantForm
from ..models import Migrant, Sex, Vulnerability
from ..names import name_key
from ..validators import normalise_document, normalise_name, phone_to_e164
from .fields import CHOICES, DEFAULTS, IMPORT_FIELDS

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SPLIT = re.compile(r"[,;|/]+|\s+")
LIST_SPLIT_WORDS = re.compile(r"[,;|]+")
MEMO_LIMIT = 50_000  # distinct values remembered per field before the memory is cleared


def _choice_lookup(choices) -> dict[str, str]:
    lookup: dict[str, str] = {"f": "female", "m": "male"} if choices is Sex else {}
    for code, _label in choices.choices:
        lookup[normalise_name(code.replace("_", " "))] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup.setdefault(normalise_name(str(choices(code).label)), code)
    return lookup


def _split(raw: str, pattern=LIST_SPLIT) -> list[str]:
    return [part.strip() for part in pattern.split(raw) if part.strip()]


def _remembered(memo: dict[str, str], work: Callable[[str], str], raw: str) -> str:
    """``work(raw)``, worked out once per distinct value (at most MEMO_LIMIT remembered at a time)."""
    value = memo.get(raw)
    if value is None:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        value = memo[raw] = work(raw)
    return value


@dataclass
class RowResult:
    line: int
    values: list[str]
    data: dict[str, Any]
    errors: dict[str, list[str]]


class RowValidator:
    """Checks rows of one batch; one per batch and run, it remembers the checks of repeating values."""

    def __init__(self, mapping: dict[str, str]):
        self.columns = [(int(index), field) for index, field in mapping.items()]
        self.mapped = {field for _index, field in self.columns}
        self.order = [field for _index, field in self.columns]  # of the staged values (``staged``)
        self.form_fields = MigrantForm(editing=True).fields
        self.model_fields = {name: Migrant._meta.get_field(name) for name in IMPORT_FIELDS}
        self.lookups = {name: _choice_lookup(choices) for name, choices in CHOICES.items()}
        self.vulnerabilities = _choice_lookup(Vulnerability)
        self.memo: dict[str, dict[str, tuple[Any, list[str] | None]]] = {name: {} for name in IMPORT_FIELDS}
        self.names: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.parsers: dict[str, Callable[[str], Any]] = {name: self._parser(name) for name in IMPORT_FIELDS}
        # A field without a column is empty on every row: its outcome is the same for all.
        self.unmapped = {name: self._clean(name, "") for name in IMPORT_FIELDS if name not in self.mapped}

    # Each parser turns the cell text into the value the form would give, then the model field's
    # validators check it (the same as Migrant.full_clean does for a registration).
    def _parser(self, name: str) -> Callable[[str], Any]:
        model_field = self.model_fields[name]

        def model_clean(value):
            return model_field.clean(value, None)

        if name in CHOICES:
            lookup = self.lookups[name]
            default = DEFAULTS.get(name, "")

            def parse_choice(raw: str):
                if not raw:
                    return model_clean(default)
                return model_clean(lookup.get(normalise_name(raw.replace("_", " ")), raw))

            return parse_choice
        if name in ("nationality", "location_country"):
            return lambda raw: model_clean(raw.upper())
        if name == "other_nationalities":
            return lambda raw: model_clean([code.upper() for code in _split(raw)])
        if name == "languages":
            return lambda raw: model_clean([code.lower() for code in _split(raw)])
        if name == "vulnerabilities":
            lookup = self.vulnerabilities

            def parse_vulnerabilities(raw: str):
                parts = _split(raw, LIST_SPLIT_WORDS)
                codes = [lookup.get(normalise_name(part.replace("_", " ")), part) for part in parts]
                unknown = [code for code in codes if code not in Vulnerability.values]
                if unknown:
                    # The validator's message, naming the values (the model field would put a generic one).
                    raise ValidationError(f"{_('Unknown vulnerability.')} {', '.join(unknown)}")
                return model_clean(list(dict.fromkeys(codes)))

            return parse_vulnerabilities
        if name == "date_of_birth":
            form_field = self.form_fields[name]

            def parse_date(raw: str):
                # ISO dates, the template's format, without the form's trial of every input format.
                if ISO_DATE.match(raw):
                    with contextlib.suppress(ValueError):
                        return model_clean(date.fromisoformat(raw))
                return model_clean(form_field.clean(raw))

            return parse_date
        if name == "estimated_age":
            form_field = self.form_fields[name]
            return lambda raw: model_clean(form_field.clean(raw))
        if name == "phone":
            return phone_to_e164
        return model_clean

    def _clean(self, name: str, raw: str) -> tuple[Any, list[str] | None]:
        memo = self.memo[name]
        hit = memo.get(raw)
        if hit is not None:
            return hit
        try:
            result = (self.parsers[name](raw), None)
        except ValidationError as exc:
            result = (None, list(exc.messages))
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[raw] = result
        return result

    def check(self, line: int, row: list[str]) -> RowResult:
        data: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        width = len(row)
        for index, name in self.columns:
            raw = row[index] if index < width else ""
            value, messages = self._clean(name, raw)
            if messages:
                errors[name] = messages
            else:
                data[name] = value
        for name, (value, messages) in self.unmapped.items():
            if messages:
                errors[name] = messages
            else:
                data[name] = value
        # The service's rule (caseload.services._check_migrant), with its message.
        if (
            data.get("date_of_birth") is None
            and data.get("estimated_age") is None
            and "date_of_birth" not in errors
            and "estimated_age" not in errors
        ):
            errors["date_of_birth"] = [_("Give a date of birth or an estimated age.")]
        return RowResult(line=line, values=row, data=data, errors=errors)

    def staged(self, data: dict[str, Any]) -> list[Any]:
        """A good row's checked values as the check keeps them for the save (``ImportStagedChunk``):
        those of the mapped fields, in the mapping's order, for JSON (dates in ISO 8601). The others
        are the same on every row (``unmapped``), and are not kept."""
        return [data[name].isoformat() if name in DATE_FIELDS and data[name] else data[name] for name in self.order]

    def from_staged(self, values: list[Any]) -> dict[str, Any]:
        """A good row's checked values (as ``RowResult.data``) from what ``staged`` kept."""
        data = {name: value for name, (value, _messages) in self.unmapped.items()}
        data.update(zip(self.order, values, strict=True))
        for name in DATE_FIELDS:
            if data.get(name):
                data[name] = date.fromisoformat(data[name])
        return data

    def normalised(self, raw: str) -> str:
        return _remembered(self.names, normalise_name, raw)

    def name_key(self, raw: str) -> str:
        """caseload.names.name_key, remembered: the same names come back row after row."""
        return _remembered(self.keys, name_key, raw)

    def build(self, data: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
        """The new migrant's column values (attname -> value) from a good row's checked values
        (``RowResult.data``, or ``from_staged`` of its staged values) and the batch's ``base``."""
        row = {**base, **data}
        row["given_name_norm"] = self.normalised(data["given_name"])
        row["family_name_norm"] = self.normalised(data["family_name"])
        row["given_name_key"] = self.name_key(data["given_name"])
        row["family_name_key"] = self.name_key(data["family_name"])
        row["document_number_norm"] = normalise_document(data.get("document_number", ""))
        row["is_sensitive"] = Vulnerability.VICTIM_OF_TRAFFICKING in (data.get("vulnerabilities") or [])
        return row


DATE_FIELDS = tuple(name for name in IMPORT_FIELDS if isinstance(Migrant._meta.get_field(name), DateField))


def preview_of(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v not in ("", None, [])}
