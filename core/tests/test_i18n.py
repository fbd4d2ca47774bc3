"""English, French and Spanish are kept complete: every marked string is in both catalogs, translated."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

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
