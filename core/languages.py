"""Languages a person speaks: ISO 639-1 codes (ISO 639-3 where a language has no two-letter code,
e.g. Dari, Tigre, Rohingya), named in the user's language from pycountry's catalogues."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.utils.translation import get_language

# Spoken along the migration routes this system serves and without an ISO 639-1 code.
EXTRA_ISO639_3 = ("apd", "arz", "ary", "bej", "ctg", "dyu", "fuc", "kab", "mnk", "prs", "rhg", "snk", "tig", "zgh")


@functools.cache
def _languages() -> dict[str, str]:
    """Code -> English name, for every language offered."""
    found = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    for code in EXTRA_ISO639_3:
        found[code] = pycountry.languages.get(alpha_3=code).name
    return found


def is_language(code: str) -> bool:
    return code in _languages()


@functools.cache
def _translator(language: str):
    try:
        return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language])
    except FileNotFoundError:
        return gettext.NullTranslations()


def language_name(code: str, language: str | None = None) -> str:
    """The name of ``code`` in ``language`` (the active one by default); an unknown code as it is."""
    name = _languages().get(code)
    if name is None:
        return code
    lang = (language or get_language() or "en")[:2]
    return name if lang == "en" else _translator(lang).gettext(name)


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every language offered, by name in the language (the active one by default)."""
    return list(_language_choices((language or get_language() or "en")[:2]))


@functools.cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, language_name(code, language)) for code in _languages()), key=lambda item: item[1]))


@functools.cache
def _by_name(language: str) -> dict[str, str]:
    """What a person may type (a name in the page's language or in English, or a code) -> the code."""
    found = {}
    for code, english in _languages().items():
        found[english.casefold()] = code
        found[code] = code
        alpha_3 = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
        if alpha_3 is not None:
            found[alpha_3.alpha_3] = code
    for code, name in _language_choices(language):
        found[name.casefold()] = code
    return found


def language_code(text: str, language: str | None = None) -> str | None:
    """The code of a language typed or picked by name; None when it is no language offered."""
    text = (text or "").strip()
    if not text:
        return None
    return _by_name((language or get_language() or "en")[:2]).get(text.casefold())
