"""The rules of the Done-when list: frozen figures, deltas, the approval rule by level, the cadence
after a level change, the overdue reminder sent once, small counts suppressed outside the office,
liaisons seeing only the published reports of their crises."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.disclosure import SMALL
from core.models import AuditEntry, DomainEvent
from sitreps import services
from sitreps.cadence import due_after
from sitreps.document import context
from sitreps.markup import render
from sitreps.models import Sitrep, SitrepEvent, SitrepReminder
from sitreps.selectors import overdue_sitreps, sitreps_visible_to

from .conftest import declare, publish, register

pytestmark = pytest.mark.django_db


def headline(ctx, key):
    return next(row for row in ctx["compared"]["headline"] if row["key"] == key)


def test_figures_frozen_at_publication(crisis, staff, chief):
    register(staff, crisis)
    register(staff, crisis, given_name="Karim", document_number="BG7654321", nationality="EGY")
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    assert sitrep.figures["registrations"]["total"] == 2
    publish(sitrep, author=staff, approver=chief)
    frozen = Sitrep.objects.get(pk=sitrep.pk).figures
    register(staff, crisis, given_name="Omar", document_number="BG0000001")
    sitrep.refresh_from_db()
    assert sitrep.figures == frozen
    assert sitrep.figures["registrations"]["total"] == 2
    with pytest.raises(ValidationError):
        services.sitrep_update(actor=staff, sitrep_id=sitrep.pk, sections={"highlights": "Changed"})
    with pytest.raises(ValidationError):
        services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="draft")


def test_draft_figures_follow_the_data_until_submission(crisis, staff, chief):
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    register(staff, crisis)
    sitrep = services.sitrep_update(actor=staff, sitrep_id=sitrep.pk, sections={"highlights": "First"})
    assert sitrep.figures["registrations"]["total"] == 1
    services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="submitted")
    register(staff, crisis, given_name="Karim", document_number="BG7654321")
    sitrep.refresh_from_db()
    assert sitrep.figures["registrations"]["total"] == 1 and sitrep.figures_frozen_at


def test_deltas_against_the_previous_sitrep(crisis, staff, chief):
    register(staff, crisis)
    register(staff, crisis, given_name="Karim", document_number="BG7654321")
    first = publish(services.sitrep_draft(crisis=crisis, actor=staff), author=staff, approver=chief)
    for n in range(3):
        register(staff, crisis, given_name=f"Person{n}", document_number=f"BG00000{n}", nationality="EGY")
    second = services.sitrep_draft(crisis=crisis, actor=staff)
    assert second.number == first.number + 1
    assert second.period_start == first.cutoff
    ctx = context(second, user=staff)
    total = headline(ctx, "registered_total")
    assert (total["value"], total["previous"], total["change"]) == (5, 2, 3)
    period = headline(ctx, "registered_period")
    assert period["value"] == 3
    egypt = next(r for r in ctx["compared"]["by_nationality"] if r["key"] == "EGY")
    assert (egypt["value"], egypt["previous"], egypt["change"]) == (3, None, None)


def test_level_1_is_approved_by_the_chief_of_mission_never_the_author(crisis, staff, chief, hq):
    sitrep = services.sitrep_draft(crisis=crisis, actor=chief)
    services.sitrep_update(actor=chief, sitrep_id=sitrep.pk, sections={"highlights": "Written by the chief"})
    services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="submitted")
    with pytest.raises(PermissionDenied):
        services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="approved")  # wrote it
    with pytest.raises(PermissionDenied):
        services.sitrep_transition(actor=hq, sitrep_id=sitrep.pk, to="approved")  # not the L1 authority
    with pytest.raises(PermissionDenied):
        services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="approved")


def test_level_1_chief_approves_and_publishes(crisis, staff, chief):
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="submitted")
    with pytest.raises(PermissionDenied):
        services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="approved")
    services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="approved")
    sitrep = services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="published")
    assert sitrep.status == "published" and sitrep.approved_by == chief
    actions = list(SitrepEvent.objects.filter(sitrep=sitrep).values_list("action", flat=True))
    assert actions == ["draft", "submit", "approve", "publish"]
    audited = AuditEntry.objects.filter(object_type="sitreps.sitrep", object_id=str(sitrep.pk))
    assert audited.filter(action="update").count() == 3
    assert DomainEvent.objects.filter(type="sitrep.published", subject_id=sitrep.pk).count() == 1


@pytest.mark.parametrize("level", [2, 3])
def test_levels_2_and_3_are_approved_by_hq(crisis, users, staff, chief, hq, level):
    declare(crisis, level, users)
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    assert sitrep.level == level
    services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="submitted")
    with pytest.raises(PermissionDenied):
        services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="approved")
    services.sitrep_transition(actor=hq, sitrep_id=sitrep.pk, to="approved")
    assert services.sitrep_transition(actor=hq, sitrep_id=sitrep.pk, to="published").status == "published"


def test_illegal_transitions_are_refused(crisis, staff, chief):
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    with pytest.raises(ValidationError):
        services.sitrep_transition(actor=chief, sitrep_id=sitrep.pk, to="published")
    with pytest.raises(ValidationError):
        services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="nonsense")


def test_one_report_in_the_making_per_crisis(crisis, staff):
    services.sitrep_draft(crisis=crisis, actor=staff)
    with pytest.raises(ValidationError):
        services.sitrep_draft(crisis=crisis, actor=staff)


def test_cadence_after_a_level_change(crisis, users, staff, chief):
    approved = crisis.level_declaration.decided_at.date()
    assert crisis.level == 1
    first = services.next_due(crisis)
    assert first == approved + datetime.timedelta(days=30)  # Level 1: every 30 days
    assert due_after(crisis, first) == approved + datetime.timedelta(days=60)
    publish(services.sitrep_draft(crisis=crisis, actor=staff), author=staff, approver=chief)
    declare(crisis, 3, users)  # Level 3: every 7 days from its approval
    since = crisis.level_declaration.decided_at.date()
    assert services.next_due(crisis) == since + datetime.timedelta(days=7)
    second = services.sitrep_draft(crisis=crisis, actor=staff)
    assert second.due == since + datetime.timedelta(days=7)
    assert (second.next_due - second.due).days == 7
    # Drafted the day before it is due and published: the next is due a cadence after that date.
    publish(second, author=staff, approver=users["hq"])
    assert services.next_due(crisis) == second.due + datetime.timedelta(days=7)


def test_the_task_drafts_a_day_before_due_and_reminds_once(crisis, staff, settings):
    due = services.next_due(crisis)
    two_days_before = timezone.make_aware(datetime.datetime.combine(due - datetime.timedelta(days=2), datetime.time(9)))
    assert services.sitreps_cycle(now=two_days_before) == {"drafted": 0, "reminded": 0}
    day_before = two_days_before + datetime.timedelta(days=1)
    assert services.sitreps_cycle(now=day_before) == {"drafted": 1, "reminded": 0}
    sitrep = Sitrep.objects.get(crisis=crisis)
    assert sitrep.due == due and sitrep.created_by is None
    late = day_before + datetime.timedelta(days=3)
    assert services.sitreps_cycle(now=late) == {"drafted": 0, "reminded": 1}
    assert services.sitreps_cycle(now=late + datetime.timedelta(hours=5)) == {"drafted": 0, "reminded": 0}
    assert SitrepReminder.objects.filter(crisis=crisis, due=due).count() == 1
    assert DomainEvent.objects.filter(type="sitrep.overdue", subject_id=sitrep.pk).count() == 1
    assert overdue_sitreps(staff, today=late.date()).filter(pk=sitrep.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_overdue_reminder_email_reaches_the_office_once(demo, users):
    from crises.tests.factories import CrisisFactory

    crisis = declare(CrisisFactory(office=demo["offices"]["lby"]), 1, users)
    due = services.next_due(crisis)
    late = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=2), datetime.time(9)))
    services.sitreps_cycle(now=late)
    services.sitreps_cycle(now=late + datetime.timedelta(hours=1))
    sent = [m for m in mail.outbox if "overdue" in m.subject]
    assert len(sent) == 1 and sent[0].to == [demo["offices"]["lby"].email]


def test_small_sensitive_counts_are_suppressed_outside_the_office(crisis, staff, chief, hq):
    for n in range(3):
        register(
            staff, crisis, given_name=f"V{n}", document_number=f"BG99{n}", vulnerabilities=["victim_of_trafficking"]
        )
    sitrep = publish(services.sitrep_draft(crisis=crisis, actor=staff), author=staff, approver=chief)

    def trafficking(ctx):
        return next(r for r in ctx["compared"]["by_vulnerability"] if r["key"] == "victim_of_trafficking")

    assert trafficking(context(sitrep, user=staff))["value"] == 3
    assert trafficking(context(sitrep, user=hq))["value"] == SMALL
    assert trafficking(context(sitrep, user=staff, outside=True))["value"] == SMALL
    assert trafficking(context(sitrep, user=hq))["change"] is None


def test_liaisons_see_only_published_sitreps_of_their_crises(crisis, staff, chief, users):
    unhcr, egypt = users["unhcr"], users["gov_egy"]
    draft = services.sitrep_draft(crisis=crisis, actor=staff)
    assert not sitreps_visible_to(unhcr).exists()
    publish(draft, author=staff, approver=chief)
    assert list(sitreps_visible_to(unhcr)) == [draft]  # a cross-border man-made crisis names UNHCR
    assert not sitreps_visible_to(egypt).exists()  # Egypt is not on this crisis's coordination list
    services.sitrep_draft(crisis=crisis, actor=staff)
    assert list(sitreps_visible_to(unhcr)) == [draft]
    assert not sitreps_visible_to(users["staff_hti"]).exclude(status="published").exists()


def test_markup_is_sanitised():
    html = render("**Bold** [x](javascript:alert(1)) <script>alert(1)</script>\n\n- one\n- [two](https://iom.int)")
    assert "<strong>Bold</strong>" in html and "<li>" in html
    assert "<script" not in html and "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert 'href="https://iom.int"' in html


def test_no_displacement_section_while_the_crisis_tracks_no_site(crisis, staff):
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    assert "displacement" in sitrep.figures and sitrep.figures["displacement"] is None
    assert context(sitrep, user=staff)["compared"]["displacement"] == []


def _tracked_round(crisis, staff, chief, sites, *, individuals):
    from displacement import services as tracking
    from displacement.tests.conftest import assessment_data

    last = crisis.assessment_rounds.order_by("-number").first()
    start = last.end_date + datetime.timedelta(days=1) if last else datetime.date(2011, 3, 1)
    round = tracking.round_open(
        actor=staff, crisis=crisis, start_date=start, end_date=start + datetime.timedelta(days=9)
    )
    sadd = {"female_18_59": individuals // 2, "male_18_59": individuals - individuals // 2}
    sadd.update(
        dict.fromkeys(("female_0_4", "female_5_17", "female_60_plus", "male_0_4", "male_5_17", "male_60_plus"), 0)
    )
    data = assessment_data(
        individuals=individuals, idps=individuals, international_migrants=0, host_community=0, **sadd
    )
    for site in sites:
        tracking.assessment_save(actor=staff, round_id=round.pk, site_id=site.pk, data=data)
    tracking.round_transition(actor=staff, round_id=round.pk, to="submitted")
    tracking.round_transition(actor=chief, round_id=round.pk, to="validated")
    return round


def test_the_latest_validated_round_is_in_the_sitrep_beside_the_previous_one(crisis, staff, chief):
    from displacement import services as tracking
    from displacement.tests.conftest import site_data

    sites = [tracking.site_create(actor=staff, crisis=crisis, data=site_data(n)) for n in (1, 2)]
    round_1 = _tracked_round(crisis, staff, chief, sites, individuals=40)
    first = publish(services.sitrep_draft(crisis=crisis, actor=staff), author=staff, approver=chief)
    assert first.figures["displacement"] == {
        "round": round_1.number,
        "round_end": round_1.end_date.isoformat(),
        "sites_open": 2,
        "sites_assessed": 2,
        "households": 18,
        "individuals": 80,
        "idps": 80,
        "international_migrants": 0,
    }
    # A round open but not validated changes nothing; a validated one is the next report's.
    _tracked_round(crisis, staff, chief, sites[:1], individuals=30)
    tracking.round_open(
        actor=staff, crisis=crisis, start_date=datetime.date(2012, 1, 1), end_date=datetime.date(2012, 1, 9)
    )
    second = services.sitrep_draft(crisis=crisis, actor=staff)
    ctx = context(second, user=staff)
    rows = {row["key"]: row for row in ctx["compared"]["displacement"]}
    assert (rows["individuals"]["value"], rows["individuals"]["previous"], rows["individuals"]["change"]) == (
        30,
        80,
        -50,
    )
    assert rows["sites_open"]["value"] == 2 and rows["sites_assessed"]["change"] == -1
    assert rows["idps"]["label"].startswith("Internally displaced persons")
