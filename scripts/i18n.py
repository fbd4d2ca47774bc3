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
LANGS = ("fr", "es")
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


def untranslated(lang: str) -> list[polib.POEntry]:
    po = polib.pofile(str(po_path(lang)))
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


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
