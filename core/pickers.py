"""Searchable pickers of countries and languages: a text input with the browser's own suggestions
(<input list> and one <datalist> per page), a name in, a code stored.

A person types or picks "Egypt" (or "Égypte" in a French page, or EGY) and the form keeps EGY; a
language by name ("Tigrinya") is kept as its ISO 639 code (ti). Anything not in the list is a field
error naming what was typed. The datalists are rendered once per page by
``{% load pickers %}{% picker_datalists %}`` and once per language in memory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .countries import country_choices, country_code, country_name, is_iso3
from .languages import is_language, language_choices, language_code, language_name
from .renderers import attrs_html

COUNTRY_LIST = "country-names"
LANGUAGE_LIST = "language-names"


class PickerInput(forms.TextInput):
    def __init__(self, datalist: str, attrs: dict | None = None):
        super().__init__({"list": datalist, "autocomplete": "off", **(attrs or {})})


class PickerListInput(forms.Widget):
    """Several text inputs of one name, each with the suggestions: a person speaks a few languages.
    The first is labelled by the field's <label>, the others by their own aria-label."""

    def __init__(self, datalist: str, inputs: int, attrs: dict | None = None):
        super().__init__(attrs)
        self.datalist = datalist
        self.inputs = inputs
        self.label = ""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else data.get(name, [])
        return [v for v in ([values] if isinstance(values, str) else values) if v and v.strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        values = [v for v in (value or []) if v]
        count = max(self.inputs, len(values) + 1)
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.pop("id", f"id_{name}")
        parts = []
        for index in range(count):
            one = {**final, "id": base_id if index == 0 else f"{base_id}_{index + 1}"}
            if index:
                one["aria-label"] = f"{self.label} {index + 1}"
            one.update({"type": "text", "list": self.datalist, "autocomplete": "off"})
            text = values[index] if index < len(values) else ""
            parts.append(
                f'<input name="{conditional_escape(name)}"{attrs_html(one)} value="{conditional_escape(text)}">'
            )
        return mark_safe(f'<div class="picker-list">{"".join(parts)}</div>')  # noqa: S308 - escaped above


def _lang() -> str:
    return (get_language() or "en")[:2]


class _Picker(forms.Field):
    lookup: Callable[[str, str], str | None]
    known: Callable[[str], bool]
    name_of: Callable[[str, str], str]
    unknown = _("“%(value)s” is not in the list: choose one of the suggestions.")

    def _code(self, text: str) -> str:
        code = type(self).lookup(text, _lang())
        if code is None:
            raise ValidationError(self.unknown, code="unknown", params={"value": text})
        return code

    def _name(self, value):
        if isinstance(value, str) and type(self).known(value):
            return type(self).name_of(value, _lang())
        return value


class CountryField(_Picker):
    """One country, typed or picked by name; cleaned to its ISO 3166-1 alpha-3 code."""

    lookup = staticmethod(country_code)
    known = staticmethod(is_iso3)
    name_of = staticmethod(country_name)

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PickerInput(COUNTRY_LIST))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        return self._code(value) if value else ""

    def prepare_value(self, value):
        return self._name(value)


class _PickerList(_Picker):
    datalist = ""

    def __init__(self, *, inputs: int = 2, **kwargs):
        kwargs.setdefault("widget", PickerListInput(self.datalist, inputs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        codes, errors = [], []
        for text in value or []:
            try:
                code = self._code(text.strip())
            except ValidationError as exc:
                errors.append(exc)
            else:
                if code not in codes:
                    codes.append(code)
        if errors:
            raise ValidationError(errors)
        return codes

    def has_changed(self, initial, data):
        return [v.strip() for v in data or []] != list(self.prepare_value(initial or []))

    def prepare_value(self, value):
        if isinstance(value, str):
            value = [value]
        return [self._name(v) for v in value or []]


class CountryListField(_PickerList):
    """Several countries (other nationalities), each cleaned to its ISO3 code."""

    datalist = COUNTRY_LIST
    lookup = staticmethod(country_code)
    known = staticmethod(is_iso3)
    name_of = staticmethod(country_name)


class LanguageListField(_PickerList):
    """Languages by name, cleaned to ISO 639 codes (639-1, or 639-3 where there is no 639-1 code)."""

    datalist = LANGUAGE_LIST
    lookup = staticmethod(language_code)
    known = staticmethod(is_language)
    name_of = staticmethod(language_name)


def label_picker_lists(form: forms.Form) -> None:
    """The extra inputs of a list picker are named after its field's label ("Languages 2")."""
    for field in form.fields.values():
        if isinstance(field.widget, PickerListInput):
            field.widget.label = str(field.label)


@functools.lru_cache(maxsize=16)
def _datalists(language: str) -> str:
    def options(choices):
        return "".join(f'<option value="{conditional_escape(label)}"></option>' for _code, label in choices)

    return (
        f'<datalist id="{COUNTRY_LIST}">{options(country_choices(language))}</datalist>'
        f'<datalist id="{LANGUAGE_LIST}">{options(language_choices(language))}</datalist>'
    )


def datalists_html() -> str:
    return mark_safe(_datalists(_lang()))  # noqa: S308 - every label is escaped
