"""Mapping the columns of a table to the fields of a record: which header names which field (in any
language of the product), and whether a mapping is complete. Knows no model: an app describes its
fields once in a :class:`Columns` and uses its ``auto_mapping`` and ``check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ..validators import normalise_name

NOT_MAPPED = ""


def header_key(text: str) -> str:
    """A header as it is compared: "Date_of birth", "#date+birth" and "date of birth" alike."""
    return normalise_name(str(text).replace("_", " ").lstrip("#"))


@dataclass(frozen=True)
class Columns:
    """The fields an import fills, and how headers name them.

    ``label`` gives a field's label in the active language (messages name fields by it);
    ``names`` more names of a field in the active language, matched against headers (the label by
    default); ``aliases`` headers in any language that name a field (they win over the names);
    ``one_of`` pairs of fields of which at least one needs a column, with the message when none has.
    """

    fields: tuple[str, ...]
    required: tuple[str, ...]
    label: Callable[[str], str]
    names: Callable[[str], Iterable[str]] | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)
    one_of: tuple[tuple[tuple[str, ...], str | Promise], ...] = ()

    def _aliases(self) -> dict[str, str]:
        """Normalised header -> field: the field name and its names in each language of the product."""
        names = self.names or (lambda name: (self.label(name),))
        aliases: dict[str, str] = {}
        for name in self.fields:
            aliases[header_key(name)] = name
            for code, _label in settings.LANGUAGES:
                with translation.override(code):
                    for text in names(name):
                        aliases.setdefault(header_key(text), name)
        aliases.update({header_key(header): name for header, name in self.aliases.items()})
        return aliases

    def auto_mapping(self, headers: list[str]) -> dict[str, str]:
        """Column position -> field for the headers that name a field; each field at most once."""
        aliases = self._aliases()
        mapping: dict[str, str] = {}
        taken: set[str] = set()
        for index, header in enumerate(headers):
            name = aliases.get(header_key(header))
            if name and name not in taken:
                mapping[str(index)] = name
                taken.add(name)
        return mapping

    def check(self, mapping: dict[str, str], column_count: int) -> dict[str, str]:
        """The mapping without its unmapped columns; a ValidationError names what is wrong."""
        clean = {
            str(k): v
            for k, v in mapping.items()
            if v and v != NOT_MAPPED and str(k).isdigit() and int(k) < column_count
        }
        unknown = sorted({v for v in clean.values() if v not in self.fields})
        if unknown:
            raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
        fields = list(clean.values())
        twice = sorted({f for f in fields if fields.count(f) > 1})
        errors = []
        if twice:
            errors.append(
                _("Each field takes one column; more than one column is mapped to: %(fields)s.")
                % {"fields": ", ".join(self.label(f) for f in twice)}
            )
        missing = [f for f in self.required if f not in fields]
        if missing:
            errors.append(
                _("Map a column to each required field: %(fields)s.")
                % {"fields": ", ".join(self.label(f) for f in missing)}
            )
        for group, message in self.one_of:
            if not any(f in fields for f in group):
                errors.append(str(message))
        if errors:
            raise ValidationError(errors)
        return clean
