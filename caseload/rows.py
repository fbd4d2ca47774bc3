"""The lines of the caseload and referral lists, built in Python.

These two tables are the pages people open most, and a line through the template engine is a dozen
nodes or more (labels, dates, the overdue badge); what that cost is in bench/RESULTS.md. Each line
is worked out once and written as one string, every value escaped with ``html.escape`` as the
template's autoescape would (``format_html`` escapes the same, at several times the cost); the
templates print one node per line. The caseload's lines are built from the columns read as values.
The markup is the one the templates had, so styles, scripts and tests see the same table
(caseload/tests/test_queries.py checks that what people typed is escaped).
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
    """A referral list's line; a liaison's shows neither the migrant nor the recipient. Every value
    is escaped (``html.escape``, what Django's ``escape`` does to a plain string)."""
    due = ""
    if r.due_at:
        local = timezone.localtime(r.due_at)
        due = f'<time datetime="{escape(local.isoformat())}">{escape(local.strftime("%Y-%m-%d %H:%M"))}</time>'
        if r.is_overdue(now):
            due += _badge("overdue", _("Overdue"))
    office_cells = ""
    if not for_liaison:
        migrant = r.migrant
        office_cells = (
            f"<td>{escape(migrant.reference)} {escape(migrant.given_name)} {escape(migrant.family_name)}</td>"
            f"<td>{escape(str(r.recipient or ''))}</td>"
        )
    sensitive = _badge("sensitive", _("Sensitive")) if r.is_sensitive and not for_liaison else ""
    status = escape(r.status)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<tr data-referral="{r.pk}">\n      <td><a href="{address_of("caseload:referral_detail", r.pk)}">#{r.pk}</a>'
        f"{sensitive}</td>\n      <td>{escape(r.get_kind_display())}</td>\n      {office_cells}\n"
        f"      <td>{escape(r.crisis.code)}</td>\n"
        f'      <td><span class="badge priority-{escape(r.priority)}">{escape(r.get_priority_display())}</span></td>\n'
        f'      <td><span class="badge status-{status}" data-status="{status}">{escape(r.get_status_display())}</span>'
        f"</td>\n      <td>{due}</td>\n    </tr>"
    )
