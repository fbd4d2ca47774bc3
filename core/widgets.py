"""Form widgets for the big choice lists of filter forms."""

from __future__ import annotations

import functools

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .renderers import attrs_html


class FastSelect(forms.Select):
    """A select box of flat choices (every country, the crises) built straight from its choices.

    The HTML is Django's ``Select`` output, character for character, without the per-option
    dictionaries Django builds first (a list of every country costs tens of milliseconds that way).
    Grouped choices go through Django's own rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # iter(): list() of a model choice iterator would ask its len(), a COUNT query.
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        values = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{attrs_html(final_attrs)}>']
        has_selected = False
        plain = tuple(("" if value is None else str(value), str(label)) for value, label in choices)
        for option_value, opening, rest in _escaped_options(plain):
            selected = (not has_selected or self.allow_multiple_selected) and option_value in values
            has_selected |= selected
            parts.append(opening)
            if selected:
                parts.append(" selected")
            parts.append(rest)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@functools.lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """Each option's HTML around the place of ``selected``, escaped once per list of choices (the
    countries in each language, an office's crises) rather than on every page."""
    return tuple(
        (value, f'\n  <option value="{conditional_escape(value)}"', f">{conditional_escape(label)}</option>\n")
        for value, label in choices
    )
