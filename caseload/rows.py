"""The lines of the caseload and referral lists, built in Python.

These two tables are the pages people open most, and a line through the template engine is a dozen
nodes or more (labels, dates, the overdue badge); what that cost is in bench/RESULTS.md. Each line
is worked out once and written with ``format_html``, which escapes every value as the template
would; the templates print one node per line. The caseload list is built the same way so that both
tables live in one place. The markup is the one the templates had, so styles, scripts and tests see
the same table.
"""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.addresses import address_of
from core.choices import choice_label
from core.countries import country_name

from .models import Migrant, Referral, age_of

# What a caseload line reads: the list's query asks for these columns only, as values (a row of
# plain values is built several times faster than a model instance with its crisis and office).
MIGRANT_LIST_FIELDS = (
    "pk",
    "reference",
    "is_sensitive",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "document_status",
    "crisis__code",
    "office__code",
)
_SEX = Migrant._meta.get_field("sex")
_DOCUMENT_STATUS = Migrant._meta.get_field("document_status")


def _badge(css: str, text: str) -> SafeString:
    return format_html(' <span class="badge {}">{}</span>', css, text)


def migrant_row(m, today=None) -> SafeString:
    """The caseload list's line of a migrant, from a row of ``MIGRANT_LIST_FIELDS`` read as values
    (``values_list(*MIGRANT_LIST_FIELDS, named=True)``). Every value is escaped (``html.escape``,
    what Django's ``escape`` does to a plain string)."""
    age = age_of(m.date_of_birth, m.estimated_age, today)
    sensitive = _badge("sensitive", _("Sensitive")) if m.is_sensitive else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<tr>\n      <td><a href="{address_of("caseload:migrant_detail", m.pk)}">{escape(m.reference)}</a>'
        f"{sensitive}</td>\n      <td>{escape(m.given_name)} {escape(m.family_name)}</td>\n"
        f"      <td>{escape(choice_label(_SEX, m.sex))}</td>\n      <td>{'' if age is None else age}</td>\n"
        f"      <td>{escape(country_name(m.nationality))}</td>\n"
        f"      <td>{escape(choice_label(_DOCUMENT_STATUS, m.document_status))}</td>\n"
        f"      <td>{escape(m.crisis__code)}</td>\n      <td>{escape(m.office__code.upper())}</td>\n    </tr>"
    )


def referral_row(r: Referral, *, now, for_liaison: bool) -> SafeString:
    """A referral list's line; a liaison's shows neither the migrant nor the recipient."""
    due = ""
    if r.due_at:
        local = timezone.localtime(r.due_at)
        due = format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%Y-%m-%d %H:%M"))
        if r.is_overdue(now):
            due += _badge("overdue", _("Overdue"))
    office_cells: SafeString | str = ""
    if not for_liaison:
        office_cells = format_html(
            "<td>{} {} {}</td><td>{}</td>",
            r.migrant.reference,
            r.migrant.given_name,
            r.migrant.family_name,
            r.recipient or "",
        )
    return format_html(
        '<tr data-referral="{}">\n      <td><a href="{}">#{}</a>{}</td>\n      <td>{}</td>\n      {}\n'
        "      <td>{}</td>\n"
        '      <td><span class="badge priority-{}">{}</span></td>\n'
        '      <td><span class="badge status-{}" data-status="{}">{}</span></td>\n'
        "      <td>{}</td>\n    </tr>",
        r.pk,
        address_of("caseload:referral_detail", r.pk),
        r.pk,
        _badge("sensitive", _("Sensitive")) if r.is_sensitive and not for_liaison else "",
        r.get_kind_display(),
        office_cells,
        r.crisis.code,
        r.priority,
        r.get_priority_display(),
        r.status,
        r.status,
        r.get_status_display(),
        due,
    )
