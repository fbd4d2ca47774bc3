"""The form renderer: Django's templates, with select boxes and text inputs built directly in Python.

A select of every country (about 250 options) rendered through Django's option template costs tens
of milliseconds per page on a filter form; the same HTML built here costs well under one. A text
input through its template (``text.html`` including ``input.html`` including ``attrs.html``) costs
close to a millisecond; built here, a few microseconds. The output is the one of Django's
``select.html``, ``select_option.html`` and ``input.html`` templates, character for character
(core/tests/test_renderers.py compares them).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# The widgets whose template is only {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden",
        "date", "datetime", "time", "search", "tel", "color",
    )
)  # fmt: skip


def attrs_html(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: False is left out, True is a bare name, the rest name="value".
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        )
    return "".join(parts)


def render_select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_input(widget: dict) -> str:
    # django/forms/widgets/input.html: the value only when it is not None, as str().
    value = widget["value"]
    value_html = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value_html}{attrs_html(widget['attrs'])}>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if "widget" in context:
            if template_name == SELECT_TEMPLATE:
                html = render_select(context["widget"])
                if html is not None:
                    return mark_safe(html)  # noqa: S308 - every value above is escaped
            elif template_name in INPUT_TEMPLATES:
                return mark_safe(render_input(context["widget"]))  # noqa: S308 - every value is escaped
        return super().render(template_name, context, request=request)
