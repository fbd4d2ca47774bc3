"""English, French, Spanish and Arabic are kept complete: every marked string is in each catalog, translated,
with its placeholders and markup; Arabic pages read from the right."""

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
IGNORE = [".venv", "var", "static", "bench", "node_modules", "*/tests/*", "tests"]


def entries(po_file: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(po_file)) if not e.obsolete}


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_catalog_is_complete_and_current(tmp_path, language, monkeypatch):
    committed = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    monkeypatch.chdir(ROOT)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            "makemessages", locale=[language], ignore_patterns=IGNORE, no_location=True, no_obsolete=True, verbosity=0
        )
    extracted = entries(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
    catalog = entries(committed)
    missing = sorted(set(extracted) - set(catalog))
    assert missing == [], f"strings not in the {language} catalog (run scripts/i18n.py update): {missing[:20]}"
    untranslated = sorted(m for m, e in extracted.items() if not e.translated() or "fuzzy" in e.flags)
    assert untranslated == [], f"untranslated {language} strings: {untranslated[:20]}"


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_every_plural_has_every_form_of_the_language(language):
    """French and Spanish have three plural forms in Django's rules (one, millions, other): a form left
    out shows the English text, for "2 days" as much as for a million."""
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    header = dict(part.strip().split("=", 1) for part in po.metadata["Plural-Forms"].split(";") if "=" in part)
    forms = int(header["nplurals"])
    short = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.get(i) for i in range(forms))]
    assert short == [], f"{language} plurals without all {forms} forms: {short[:10]}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[\w.]*\}|</?[a-zA-Z][a-zA-Z0-9]*")


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_translations_keep_placeholders_and_markup(language):
    """A placeholder or a tag lost in translation shows a raw "%(name)s" or breaks the page. The one
    form of a plural that names no number (French "une", Arabic "مرة واحدة") may leave it out."""
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for e in po:
        if e.obsolete:
            continue
        if e.msgid_plural:
            allowed = (Counter(PLACEHOLDER.findall(e.msgid)), Counter(PLACEHOLDER.findall(e.msgid_plural)))
            for form in e.msgstr_plural.values():
                found = Counter(PLACEHOLDER.findall(form))
                if found not in allowed and not found <= allowed[1]:
                    wrong.append((e.msgid, form))
        elif Counter(PLACEHOLDER.findall(e.msgstr)) != Counter(PLACEHOLDER.findall(e.msgid)):
            wrong.append((e.msgid, e.msgstr))
    assert wrong == [], wrong[:10]


def test_arabic_has_its_six_plural_forms_and_each_is_used():
    """Arabic counts zero, one, two, a few (3-10), many (11-99) and other (100+): the catalog declares the
    six forms, and "3 days" and "11 days" are not written alike."""
    po = polib.pofile(str(ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Plural-Forms"].startswith("nplurals=6;")
    with translation.override("ar"):
        few = translation.ngettext("%(days)s day", "%(days)s days", 3) % {"days": 3}
        many = translation.ngettext("%(days)s day", "%(days)s days", 11) % {"days": 11}
        two = translation.ngettext("every day", "every %(days)s days", 2) % {"days": 2}
    assert (few, many, two) == ("3 أيام", "11 يومًا", "كل يومين")


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("ar", "rtl")])
def test_the_page_reads_in_the_direction_of_its_language(language, direction, db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_the_language_switcher_names_each_language_in_itself(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/accounts/login/").content.decode()
    options = dict(re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)</option>', html))
    assert options == {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}


def test_figures_dates_and_numbers_are_isolated_left_to_right():
    rendered = Template(
        '{% load bidi %}{{ phone|bdi:"ltr" }} {{ when|bdi }} {{ empty|bdi }} {{ markup|bdi:"ltr" }}'
    ).render(Context({"phone": "+20 10 1234 5678", "when": "2 ديسمبر، 2026", "empty": None, "markup": "<b>"}))
    assert rendered == '<bdi dir="ltr">+20 10 1234 5678</bdi> <bdi>2 ديسمبر، 2026</bdi>  <bdi dir="ltr">&lt;b&gt;</bdi>'


def test_no_stylesheet_says_left_or_right_outside_what_has_no_logical_name():
    """Layout is written with logical properties (margin-inline-start, text-align: start...), so one
    stylesheet lays Arabic out from the right. Only page margin boxes (@bottom-right) have no logical
    name; the manifest switches them for right-to-left pages itself."""
    offending = []
    for sheet in (ROOT / "static" / "css").glob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
        text = re.sub(r"@(bottom|top)-(left|right)\b", "", text)
        offending += [(sheet.name, m) for m in re.findall(r"[\w-]*\b(?:left|right)\b[^;{}]*", text)]
    assert offending == []
