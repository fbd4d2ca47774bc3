"""The header's language picker, written once per process and language.

Each option names its language in that language (Français, Español, العربية), which the template
did by switching the active language for every option of every page; the names do not change while
the process runs, so the options are built once per current language and kept.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info, gettext, override

register = template.Library()


@functools.lru_cache(maxsize=32)
def _options(current: str) -> SafeString:
    def own_name(code: str) -> str:
        with override(code):
            return gettext(get_language_info(code)["name"])

    return format_html_join(
        "\n",
        '<option value="{}" lang="{}"{}>{}</option>',
        (
            (code, code, SafeString(" selected") if code == current else "", own_name(code))
            for code, _name in settings.LANGUAGES
        ),
    )


@register.simple_tag
def language_options() -> SafeString:
    """<option>s of every language of the site, the current one selected."""
    return _options(get_language())
