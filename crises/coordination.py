"""Who a crisis's response is coordinated with, derived from the crisis itself.

The rules are the "Partnerships and coordination" paragraphs of MC/2355 Annex I (7 man-made,
13 sudden-onset natural, 19 slow-onset natural, 25 protracted, 31 health) as docs/domain.md
"Coordination rules" reads them. The notifications use the list as their default audience.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.countries import country_name

from .models import AffectedGroup, Crisis, CrisisType, Movement, Phase

# The paragraph of Annex I on partnerships and coordination for each scenario.
PARAGRAPH = {
    CrisisType.MAN_MADE: "Annex I para 7",
    CrisisType.SUDDEN_NATURAL: "Annex I para 13",
    CrisisType.SLOW_NATURAL: "Annex I para 19",
    CrisisType.PROTRACTED: "Annex I para 25",
    CrisisType.HEALTH: "Annex I para 31",
}
GOVERNMENT, PARTNER, SYSTEM = "government", "partner", "system"
OCHA, UNHCR = "ocha", "unhcr"


@dataclass(frozen=True)
class CoordinationEntry:
    actor_type: str  # "government" | "partner" | "system"
    government_country: str | None
    partner_code: str | None
    label: str
    rule: str
    reason: Promise | str
    paragraph: str

    @property
    def key(self) -> tuple:
        return (
            self.actor_type,
            self.government_country,
            self.partner_code,
            self.label if self.actor_type == SYSTEM else "",
        )


def _government(country: str, rule: str, reason, paragraph: str) -> CoordinationEntry:
    return CoordinationEntry(GOVERNMENT, country, None, country_name(country), rule, reason, paragraph)


def _has_group(crisis: Crisis, *groups: str) -> bool:
    return any(f.group in groups and f.figure > 0 for f in crisis.affected_figures.all())


def coordination_list(crisis: Crisis) -> list[CoordinationEntry]:
    """The actors to coordinate with, most direct first, each once, each with its rule and paragraph.

    Reads the crisis's other countries, nationalities and affected figures (prefetch them when
    building lists for many crises)."""
    kind = crisis.crisis_type
    para = PARAGRAPH.get(kind, "Annex I para 7")
    internal = crisis.movement in (Movement.INTERNAL, Movement.BOTH)
    cross_border = crisis.movement in (Movement.CROSS_BORDER, Movement.BOTH)
    entries: list[CoordinationEntry] = [
        _government(
            crisis.country, "state_in_crisis", _("All responses are coordinated with the country in crisis."), para
        )
    ]

    # The cluster approach (OCHA): internal movements of a man-made or protracted crisis (7, 25);
    # every sudden-onset natural disaster (13); a slow-onset one once it is an acute crisis (19).
    if kind == CrisisType.SUDDEN_NATURAL:
        entries.append(
            CoordinationEntry(
                PARTNER, None, OCHA, "OCHA", "cluster_system", _("Responses use the cluster approach (OCHA)."), para
            )
        )
    elif kind == CrisisType.SLOW_NATURAL and crisis.phase == Phase.DURING:
        entries.append(
            CoordinationEntry(
                PARTNER,
                None,
                OCHA,
                "OCHA",
                "cluster_system",
                _("An acute humanitarian crisis is coordinated under the cluster approach (OCHA)."),
                para,
            )
        )
    elif kind in (CrisisType.MAN_MADE, CrisisType.PROTRACTED) and internal:
        entries.append(
            CoordinationEntry(
                PARTNER,
                None,
                OCHA,
                "OCHA",
                "cluster_system",
                _("Internal movements are coordinated through the cluster approach (OCHA)."),
                para,
            )
        )

    # Refugees and asylum-seekers across a border: UNHCR and the countries of transit (7, 25);
    # environmentally displaced persons across a border: the countries of first refuge or transit (13).
    refugees = kind in (CrisisType.MAN_MADE, CrisisType.PROTRACTED) or _has_group(
        crisis, AffectedGroup.REFUGEES, AffectedGroup.ASYLUM_SEEKERS
    )
    if cross_border and refugees:
        entries.append(
            CoordinationEntry(
                PARTNER,
                None,
                UNHCR,
                "UNHCR",
                "refugees_across_border",
                _("Refugees and asylum-seekers crossing borders: coordination with UNHCR."),
                para,
            )
        )
    if cross_border:
        reason = (
            _("Country of transit, first refuge or resettlement of people who crossed the border.")
            if refugees
            else _("Country of first refuge or transit of environmentally displaced persons.")
        )
        for country in crisis.other_country_codes:
            entries.append(_government(country, "country_of_transit", reason, para))

    # International migrants caught in the crisis: each country of origin (7, 13, 19, 25, 31).
    for country in crisis.nationality_codes:
        entries.append(
            _government(
                country,
                "country_of_origin",
                _("Country of origin of international migrants caught in the crisis."),
                para,
            )
        )

    # Security and peacebuilding actors: protracted crises (25) and man-made ones (docs/domain.md; the
    # community stabilization of Annex I paras 8 and 10 is part of peace and security initiatives).
    if kind == CrisisType.PROTRACTED:
        entries.append(
            CoordinationEntry(
                SYSTEM,
                None,
                None,
                str(_("Security and peacebuilding actors")),
                "security_peacebuilding",
                _("High levels of insecurity call for coordination with security and peacebuilding actors."),
                para,
            )
        )
    elif kind == CrisisType.MAN_MADE:
        entries.append(
            CoordinationEntry(
                SYSTEM,
                None,
                None,
                str(_("Security and peacebuilding actors")),
                "security_peacebuilding",
                _("Community stabilization and transition are part of peace and security initiatives."),
                "Annex I paras 8, 10",
            )
        )

    # United Nations and development agencies: slow-onset disasters (19), health crises (31),
    # protracted crises (25) and sudden-onset disasters before and after the emergency (13).
    development = kind in (CrisisType.SLOW_NATURAL, CrisisType.HEALTH, CrisisType.PROTRACTED) or (
        kind == CrisisType.SUDDEN_NATURAL and crisis.phase in (Phase.BEFORE, Phase.AFTER)
    )
    if development:
        entries.append(
            CoordinationEntry(
                SYSTEM,
                None,
                None,
                str(_("United Nations and development agencies (UNDP)")),
                "development_actors",
                _("United Nations and development agencies take part in prevention and recovery."),
                para,
            )
        )

    unique: dict[tuple, CoordinationEntry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry)
    return list(unique.values())
