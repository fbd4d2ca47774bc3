#!/usr/bin/env python
"""Keep the French and Spanish catalogs complete.

    scripts/i18n.py update          # extract every marked string into locale/{fr,es}
    scripts/i18n.py missing         # print untranslated or fuzzy entries as JSON
    scripts/i18n.py fill FILE.json  # {"fr": {"msgid": "msgstr"}, "es": {...}} into the catalogs
    scripts/i18n.py check           # exit 1 if any entry is untranslated or fuzzy

Plural entries take a list of strings in FILE.json, one per plural form.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("fr", "es", "ar")
IGNORE = [".venv", "var", "static", "bench", "node_modules", "*/tests/*", "tests"]


def po_path(lang: str) -> Path:
    return ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"


def update() -> None:
    args = [sys.executable, "manage.py", "makemessages", "--no-location", "--no-obsolete"]
    for lang in LANGS:
        args += ["-l", lang]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    env = {**os.environ, "DEBUG": "1"}
    subprocess.run(args, cwd=ROOT, check=True, env=env)  # noqa: S603
    for lang in LANGS:
        po = polib.pofile(str(po_path(lang)))
        if complete_plurals(po):
            po.save()


def nplurals(po: polib.POFile) -> int:
    """The number of plural forms the catalog's Plural-Forms header declares (French and Spanish
    have three in Django's rules: one, millions, other)."""
    header = po.metadata.get("Plural-Forms", "")
    for part in header.split(";"):
        name, _sep, value = part.strip().partition("=")
        if name.strip() == "nplurals" and value.strip().isdigit():
            return int(value)
    return 2


def _plural_complete(entry: polib.POEntry, forms: int) -> bool:
    return all(entry.msgstr_plural.get(i) for i in range(forms))


def complete_plurals(po: polib.POFile) -> int:
    """A plural entry translated with fewer forms than the language has gets its last form again
    for the others (gettext would show the English text for a missing form). Answers how many."""
    forms = nplurals(po)
    done = 0
    for entry in po:
        if entry.obsolete or not entry.msgid_plural or not entry.msgstr_plural.get(0):
            continue
        given = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural) if entry.msgstr_plural[i]]
        if len(given) < forms:
            entry.msgstr_plural = {i: given[min(i, len(given) - 1)] for i in range(forms)}
            done += 1
    return done


def untranslated(lang: str) -> list[polib.POEntry]:
    po = polib.pofile(str(po_path(lang)))
    forms = nplurals(po)
    return [
        e
        for e in po
        if not e.obsolete
        and (not e.translated() or "fuzzy" in e.flags or (e.msgid_plural and not _plural_complete(e, forms)))
    ]


def missing() -> dict:
    out: dict = {}
    for lang in LANGS:
        entries = untranslated(lang)
        out[lang] = {e.msgid: ([e.msgid, e.msgid_plural] if e.msgid_plural else "") for e in entries}
    return out


def fill(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in LANGS:
        translations = data.get(lang, {})
        po = polib.pofile(str(po_path(lang)))
        for entry in po:
            if entry.msgid in translations:
                value = translations[entry.msgid]
                if entry.msgid_plural:
                    values = value if isinstance(value, list) else [value, value]
                    entry.msgstr_plural = dict(enumerate(values))
                else:
                    entry.msgstr = value if isinstance(value, str) else value[0]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        complete_plurals(po)
        po.save()


def check() -> int:
    bad = {lang: [e.msgid for e in untranslated(lang)] for lang in LANGS}
    for lang, ids in bad.items():
        for msgid in ids:
            print(f"{lang}: untranslated: {msgid!r}")
    return 1 if any(bad.values()) else 0


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
        return 0
    if command == "missing":
        print(json.dumps(missing(), ensure_ascii=False, indent=1))
        return 0
    if command == "fill":
        fill(sys.argv[2])
        return 0
    if command == "check":
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
