"""The navigation: each entry names the roles that may use it; a role sees only its own."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .addresses import address

OFFICE = "office"
CHIEF = "chief"
HQ = "hq"
GOVERNMENT = "government"
PARTNER = "partner"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Promise
    url_name: str
    roles: frozenset[str]
    # Pages of the HQ's back office, under "More" so that the header keeps one row at 1280 px.
    more: bool = False


NAV: tuple[NavItem, ...] = (
    NavItem("home", _("Overview"), "home", frozenset({OFFICE, CHIEF, HQ, GOVERNMENT, PARTNER})),
    NavItem("crises", _("Crises"), "crises:list", frozenset({OFFICE, CHIEF, HQ})),
    NavItem("approvals", _("Level approvals"), "crises:approvals", frozenset({CHIEF, HQ})),
    NavItem("matrix", _("Sector matrix"), "sectors:matrix", frozenset({OFFICE, CHIEF, HQ})),
    NavItem("migrants", _("Caseload"), "caseload:migrant_list", frozenset({OFFICE, CHIEF, HQ})),
    NavItem("referrals", _("Referrals"), "caseload:referral_list", frozenset({OFFICE, CHIEF, HQ})),
    NavItem("inbox", _("Referral inbox"), "caseload:inbox", frozenset({GOVERNMENT, PARTNER})),
    NavItem("movements", _("Movements"), "movements:list", frozenset({OFFICE, CHIEF, HQ, GOVERNMENT, PARTNER})),
    NavItem("sitreps", _("Situation reports"), "sitreps:list", frozenset({OFFICE, CHIEF, HQ, GOVERNMENT, PARTNER})),
    NavItem("notifications", _("Delivery log"), "outbox:notification_list", frozenset({OFFICE, CHIEF, HQ}), more=True),
    NavItem("directory", _("Governments and partners"), "partners:directory", frozenset({HQ}), more=True),
    NavItem("audit", _("Audit trail"), "audit", frozenset({HQ}), more=True),
    NavItem("admin", _("Administration"), "admin:index", frozenset({HQ}), more=True),
)


def roles_of(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    roles = {user.role}
    if user.role == OFFICE and user.chief_office_ids:
        roles.add(CHIEF)
    return frozenset(roles)


def navigation_for(user) -> list[dict]:
    roles = roles_of(user)
    items = []
    for item in NAV:
        if not item.roles & roles:
            continue
        try:
            url = address(item.url_name)  # the header is on every page: worked out once per process
        except NoReverseMatch:  # an app not installed in this deployment; a test keeps NAV complete
            continue
        items.append({"key": item.key, "label": item.label, "url": url, "more": item.more})
    return items
