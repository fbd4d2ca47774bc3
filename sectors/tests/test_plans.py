"""A crisis's sector plan: proposed on registration, re-proposed on a phase change, edited by its office."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import OfficeFactory, PartnerFactory, hq_user, office_staff
from core.models import AuditEntry, DomainEvent
from crises import services as crisis_services
from crises.models import CrisisType, Phase
from sectors.models import Priority, SectorPlan, SectorPlanRevision
from sectors.services import sector_plan_update

from .factories import change_phase, registered_crisis

pytestmark = pytest.mark.django_db


def priorities(plan) -> dict[int, str]:
    return {e.sector.number: e.priority for e in plan.entries.select_related("sector")}


def test_plan_is_proposed_from_the_matrix_when_a_crisis_is_registered():
    crisis = registered_crisis(crisis_type=CrisisType.HEALTH, phase=Phase.DURING)
    plan = SectorPlan.objects.get(crisis=crisis)
    assert (plan.crisis_type, plan.phase) == ("health", "during")
    assert plan.entries.count() == 15
    got = priorities(plan)
    # Annex I para 33: health and psychosocial support critical, as are shelter and NFIs.
    assert got[4] == got[5] == got[2] == Priority.CRITICAL
    assert got[15] == Priority.IMPORTANT
    assert got[7] == Priority.NOT_APPLICABLE
    active = {e.sector.number for e in plan.entries.select_related("sector") if e.is_active}
    assert active == {2, 4, 5, 11, 12, 13, 15}
    revision = plan.revisions.get()
    assert (revision.from_phase, revision.to_phase) == ("", "during")
    assert DomainEvent.objects.filter(type="sector_plan.proposed", crisis_id=crisis.pk).count() == 1


def test_phase_change_reproposes_the_plan_keeps_overrides_and_shows_what_changes():
    office = OfficeFactory()
    staff = office_staff(office)
    unhcr = PartnerFactory(code="unhcr")
    crisis = registered_crisis(office=office, crisis_type=CrisisType.MAN_MADE, phase=Phase.DURING)
    sector_plan_update(
        crisis=crisis,
        actor=staff,
        entries=[
            {"sector": 9, "priority_override": "important", "override_reason": "Property records are being looted."},
            {"sector": 1, "active": False, "focal_point": staff.pk, "partners": ["unhcr"]},
        ],
    )
    change_phase(crisis, Phase.AFTER, actor=staff)

    plan = SectorPlan.objects.get(crisis=crisis)
    assert plan.phase == "after"
    entries = {e.sector.number: e for e in plan.entries.select_related("sector", "focal_point")}
    # Para 10: after a man-made disaster community stabilization and land and property are crucial.
    assert entries[7].priority == Priority.CRITICAL
    assert entries[3].priority == Priority.NOT_APPLICABLE  # transport was critical during (para 9)
    # The office's override is kept, over the new proposal; the dropped sector stays dropped.
    assert entries[9].proposed_priority == Priority.CRITICAL
    assert entries[9].priority == Priority.IMPORTANT
    assert entries[9].override_reason == "Property records are being looted."
    assert entries[1].is_active is False
    assert entries[1].focal_point == staff
    assert list(entries[1].partners.all()) == [unhcr]

    revision = plan.revisions.order_by("-id").first()
    assert (revision.from_phase, revision.to_phase) == ("during", "after")
    changes = {c["sector"]: c for c in revision.changes}
    assert changes[3]["from_priority"] == "critical" and changes[3]["to_priority"] == "not_applicable"
    assert changes[3]["from_active"] is True and changes[3]["to_active"] is False
    assert changes[7]["to_priority"] == "critical"
    assert changes[9]["override_kept"] is True and changes[9]["to_proposed"] == "critical"
    assert 14 not in changes  # not applicable in both phases


def test_crisis_services_register_and_change_phase_drive_the_plan():
    office = OfficeFactory(code="hti-test", country="HTI")
    staff = office_staff(office)
    crisis = crisis_services.crisis_register(
        actor=staff,
        office=office,
        name="Earthquake",
        crisis_type=CrisisType.SUDDEN_NATURAL,
        movement="internal",
        country="HTI",
        start_date=datetime.date(2026, 1, 12),
        phase=Phase.DURING,
    )
    plan = SectorPlan.objects.get(crisis=crisis)
    assert priorities(plan)[15] == Priority.CRITICAL  # para 15: humanitarian communications are critical
    crisis_services.crisis_phase_change(crisis=crisis, actor=staff, phase=Phase.AFTER, reason="Recovery begins.")
    plan.refresh_from_db()
    assert plan.phase == "after"
    assert priorities(plan)[6] == Priority.CRITICAL  # para 16: reintegration assistance is crucial
    assert SectorPlanRevision.objects.filter(plan=plan).count() == 2


def test_an_override_needs_a_reason_and_clearing_it_follows_the_proposal_again():
    office = OfficeFactory()
    staff = office_staff(office)
    crisis = registered_crisis(office=office)
    with pytest.raises(ValidationError) as exc:
        sector_plan_update(crisis=crisis, actor=staff, entries=[{"sector": 8, "priority_override": "recommended"}])
    assert "override_reason" in exc.value.message_dict
    sector_plan_update(
        crisis=crisis,
        actor=staff,
        entries=[{"sector": 8, "priority_override": "recommended", "override_reason": "Flood season."}],
    )
    entry = crisis.sector_plan.entries.get(sector__number=8)
    assert entry.priority == "recommended" and entry.is_active
    audit = AuditEntry.objects.filter(object_type="sectors.sectorplanentry", object_id=str(entry.pk)).get()
    assert audit.before["priority_override"] is None and audit.after["priority_override"] == "recommended"
    sector_plan_update(crisis=crisis, actor=staff, entries=[{"sector": 8, "priority_override": None}])
    entry.refresh_from_db()
    assert entry.priority == "not_applicable" and entry.override_reason == "" and not entry.is_active


def test_focal_point_must_belong_to_the_owning_office():
    office = OfficeFactory()
    staff = office_staff(office)
    outsider = office_staff(OfficeFactory())
    crisis = registered_crisis(office=office)
    with pytest.raises(ValidationError) as exc:
        sector_plan_update(crisis=crisis, actor=staff, entries=[{"sector": 3, "focal_point": outsider.pk}])
    assert "focal_point" in exc.value.message_dict


@pytest.mark.parametrize("who", ["hq", "other_office", "chief_elsewhere"])
def test_only_the_owning_office_edits_the_plan(who):
    crisis = registered_crisis()
    actor = {
        "hq": lambda: hq_user(),
        "other_office": lambda: office_staff(OfficeFactory()),
        "chief_elsewhere": lambda: office_staff(OfficeFactory(), chief=True),
    }[who]()
    with pytest.raises(PermissionDenied):
        sector_plan_update(crisis=crisis, actor=actor, entries=[{"sector": 3, "active": False}])


def test_a_corrected_crisis_type_reproposes_the_plan_from_the_other_scenario():
    office = OfficeFactory()
    staff = office_staff(office)
    crisis = registered_crisis(office=office, crisis_type=CrisisType.MAN_MADE, phase=Phase.BEFORE)
    assert priorities(crisis.sector_plan)[8] == Priority.NOT_APPLICABLE
    crisis_services.crisis_update(crisis=crisis, actor=staff, crisis_type=CrisisType.SUDDEN_NATURAL)
    plan = SectorPlan.objects.get(crisis=crisis)
    assert plan.crisis_type == "sudden_natural"
    assert priorities(plan)[8] == Priority.CRITICAL  # para 14: DRR is a crucial prevention measure
