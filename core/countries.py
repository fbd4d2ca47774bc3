"""ISO 3166-1 alpha-3 country codes, validated against pycountry, named in the user's language."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@functools.cache
def _alpha3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def is_iso3(code: str) -> bool:
    return code in _alpha3_codes()


def validate_iso3(value: str) -> None:
    if not isinstance(value, str) or value not in _alpha3_codes():
        raise ValidationError(
            _("%(value)s is not an ISO 3166-1 alpha-3 country code."), code="invalid_country", params={"value": value}
        )


@functools.cache
def _translator(language: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except FileNotFoundError:
        return gettext.NullTranslations()


def country_name(code: str, language: str | None = None) -> str:
    return _country_name(code, (language or get_language() or "en")[:2])


@functools.lru_cache(maxsize=2048)
def _country_name(code: str, language: str) -> str:
    """Looked up once per code and language: a list page names a country on every row."""
    country = pycountry.countries.get(alpha_3=code) if code else None
    if country is None:
        return code or ""
    name = getattr(country, "common_name", None) or country.name
    if language == "en":
        return name
    return _translator(language).gettext(country.name)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every country, by name in the language (the active one by default); built once per language."""
    return list(_country_choices((language or get_language() or "en")[:2]))


@functools.cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, country_name(code, language)) for code in _alpha3_codes()), key=lambda item: item[1]))


@functools.cache
def _by_name(language: str) -> dict[str, str]:
    """What a person may type (a name in the page's language or in English, or a code) -> the code."""
    found = {}
    for code in _alpha3_codes():
        country = pycountry.countries.get(alpha_3=code)
        for name in {country.name, getattr(country, "common_name", country.name), country_name(code, language)}:
            found[name.casefold()] = code
        found[code.casefold()] = code
        found[country.alpha_2.casefold()] = code
    return found


def country_code(text: str, language: str | None = None) -> str | None:
    """The ISO3 code of a country picked or typed by name; None when it is no country."""
    text = (text or "").strip()
    if not text:
        return None
    return _by_name((language or get_language() or "en")[:2]).get(text.casefold())


def country_label(code: str, language: str | None = None) -> str:
    """How a country is shown everywhere (tables, records, charts, choices): "Egypt (EGY)", the
    name in the page's language and the code that reads the same in every language."""
    if not code:
        return ""
    name = country_name(code, language)
    return name if name == code else f"{name} ({code})"
