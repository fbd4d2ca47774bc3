"""The rules of displacement tracking, through the services: the sex and age counts add up, a
round is validated by the Chief of Mission or HQ and never by its submitter, a validated round
refuses edits and takes corrections as revisions, the crisis's figures follow the latest validated
round, and a day's flow count is corrected rather than duplicated."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import hq_user, office_staff
from crises.models import AffectedFigure
from crises.services import affected_figure_record
from displacement import services
from displacement.models import AssessmentRevision, FlowCount, RoundStatus, SiteAssessment

from .conftest import assessment_data, site_data, validated_round

pytestmark = pytest.mark.django_db


def test_sadd_counts_must_add_up_to_the_individuals(staff, open_round, site):
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(
            actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data(male_18_59=11)
        )
    assert "individuals" in exc.value.message_dict
    assert "41" in exc.value.message_dict["individuals"][0] and "40" in exc.value.message_dict["individuals"][0]
    assert not SiteAssessment.objects.exists()
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    assert SiteAssessment.objects.get().individuals == 40


def test_the_database_refuses_counts_that_do_not_add_up(staff, open_round, site):
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteAssessment.objects.update(individuals=41)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"need_1": "sunshine"}, "need_1"),
        ({"need_2": "shelter"}, "need_2"),
        ({"need_2": "", "need_3": "food"}, "need_2"),
        ({"reason": "boredom"}, "reason"),
        ({"households": 41}, "households"),
        ({"idps": 37}, "idps"),
        ({"female_0_4": -1}, "female_0_4"),
        ({"households": ""}, "households"),
    ],
)
def test_bad_assessment_input_names_the_field(staff, open_round, site, values, field):
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data(**values))
    assert field in exc.value.message_dict
    assert not SiteAssessment.objects.exists()


def test_site_coordinates_are_validated_and_the_code_generated(staff, haiti):
    with pytest.raises(ValidationError) as exc:
        services.site_create(actor=staff, crisis=haiti, data=site_data(latitude="95", longitude="east"))
    assert set(exc.value.message_dict) == {"latitude", "longitude"}
    one = services.site_create(actor=staff, crisis=haiti, data=site_data(1))
    two = services.site_create(actor=staff, crisis=haiti, data=site_data(2))
    assert one.code == f"{haiti.code}-S-00001" and two.code == f"{haiti.code}-S-00002"


def test_closing_a_site_needs_a_date_and_a_reason(staff, site):
    with pytest.raises(ValidationError) as exc:
        services.site_close(actor=staff, site=site, closed_on="", reason="")
    assert set(exc.value.message_dict) == {"closed_on", "closure_reason"}
    closed = services.site_close(actor=staff, site=site, closed_on="2010-06-01", reason="Relocated to Corail")
    assert closed.status == "closed" and closed.closed_on == datetime.date(2010, 6, 1)


def test_the_submitter_may_not_validate_even_as_chief_of_mission(chief, staff, open_round, site):
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    services.round_transition(actor=chief, round_id=open_round.pk, to="submitted")
    with pytest.raises(PermissionDenied):
        services.round_transition(actor=chief, round_id=open_round.pk, to="validated")
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.SUBMITTED


def test_office_staff_may_not_validate_the_chief_and_hq_may(chief, staff, open_round, site, haiti):
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    services.round_transition(actor=staff, round_id=open_round.pk, to="submitted")
    colleague = office_staff(haiti.office, username="hti_colleague")
    with pytest.raises(PermissionDenied):
        services.round_transition(actor=colleague, round_id=open_round.pk, to="validated")
    round = services.round_transition(actor=chief, round_id=open_round.pk, to="validated")
    assert round.status == RoundStatus.VALIDATED and round.validated_by == chief and round.validated_at


def test_hq_validates_and_the_chief_of_another_office_may_not(staff, users, open_round, site):
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    services.round_transition(actor=staff, round_id=open_round.pk, to="submitted")
    with pytest.raises(AssessmentRound_DoesNotExist()):
        services.round_transition(actor=users["com_lby"], round_id=open_round.pk, to="validated")
    hq = hq_user(username="hq_validator")
    assert services.round_transition(actor=hq, round_id=open_round.pk, to="validated").validated_by == hq


def AssessmentRound_DoesNotExist():
    from displacement.models import AssessmentRound

    return AssessmentRound.DoesNotExist


def test_an_empty_round_cannot_be_submitted_and_a_returned_one_needs_a_reason(staff, chief, open_round, site):
    with pytest.raises(ValidationError):
        services.round_transition(actor=staff, round_id=open_round.pk, to="submitted")
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    services.round_transition(actor=staff, round_id=open_round.pk, to="submitted")
    with pytest.raises(ValidationError) as exc:
        services.round_transition(actor=chief, round_id=open_round.pk, to="open")
    assert "reason" in exc.value.message_dict
    back = services.round_transition(actor=chief, round_id=open_round.pk, to="open", reason="Camp 1 recount")
    assert back.status == RoundStatus.OPEN and back.return_reason == "Camp 1 recount"


def test_a_submitted_or_validated_round_refuses_edits(staff, chief, haiti, site):
    round = validated_round(
        staff, chief, haiti, [site], start=datetime.date(2010, 3, 1), end=datetime.date(2010, 3, 31)
    )
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(actor=staff, round_id=round.pk, site_id=site.pk, data=assessment_data(households=10))
    assert "round" in exc.value.message_dict
    assert SiteAssessment.objects.get().households == 9
    with pytest.raises(ValidationError):
        services.round_transition(actor=staff, round_id=round.pk, to="submitted")


def test_a_correction_of_a_validated_round_is_a_revision_with_who_and_why(staff, chief, haiti, site):
    round = validated_round(
        staff, chief, haiti, [site], start=datetime.date(2010, 3, 1), end=datetime.date(2010, 3, 31)
    )
    assessment = SiteAssessment.objects.get(round=round)
    with pytest.raises(ValidationError) as exc:
        services.assessment_correct(actor=staff, assessment_id=assessment.pk, data=assessment_data(), reason=" ")
    assert "reason" in exc.value.message_dict
    corrected = assessment_data(idps=34, international_migrants=0)
    services.assessment_correct(actor=staff, assessment_id=assessment.pk, data=corrected, reason="Double count")
    revision = AssessmentRevision.objects.get()
    assert (revision.number, revision.revised_by, revision.reason) == (1, staff, "Double count")
    assert revision.before["idps"] == 30 and revision.after["idps"] == 34
    idps = AffectedFigure.objects.get(crisis=haiti, group="idps", source=round.source)
    assert idps.figure == 34


def test_the_crisis_figures_follow_the_latest_validated_round(staff, chief, haiti):
    sites = [services.site_create(actor=staff, crisis=haiti, data=site_data(n)) for n in range(3)]
    affected_figure_record(
        crisis=haiti, actor=staff, group="idps", figure=1_500_000, as_of=datetime.date(2010, 2, 28), source="Government"
    )
    affected_figure_record(
        crisis=haiti, actor=staff, group="returnees", figure=500, as_of=datetime.date(2010, 2, 28), source="Government"
    )
    first = validated_round(staff, chief, haiti, sites, start=datetime.date(2010, 3, 1), end=datetime.date(2010, 3, 31))
    second = validated_round(
        staff,
        chief,
        haiti,
        sites[:2],
        start=datetime.date(2010, 4, 1),
        end=datetime.date(2010, 4, 30),
        data=assessment_data(idps=20, host_community=16),
    )
    figures = {(f.group, f.source): (f.figure, f.as_of) for f in AffectedFigure.objects.filter(crisis=haiti)}
    assert figures[("idps", first.source)] == (90, datetime.date(2010, 3, 31))
    assert figures[("idps", second.source)] == (40, datetime.date(2010, 4, 30))
    assert figures[("international_migrants", second.source)] == (8, datetime.date(2010, 4, 30))
    # The hand-entered figures stay, for what the tracking does not cover.
    assert figures[("idps", "Government")] == (1_500_000, datetime.date(2010, 2, 28))
    assert figures[("returnees", "Government")] == (500, datetime.date(2010, 2, 28))
    # An open round sets nothing.
    third = services.round_open(
        actor=staff, crisis=haiti, start_date=datetime.date(2010, 5, 1), end_date=datetime.date(2010, 5, 31)
    )
    services.assessment_save(actor=staff, round_id=third.pk, site_id=sites[0].pk, data=assessment_data())
    assert not AffectedFigure.objects.filter(source=third.source).exists()


def test_a_second_round_waits_for_the_first_to_be_validated(staff, open_round, haiti):
    with pytest.raises(ValidationError) as exc:
        services.round_open(actor=staff, crisis=haiti, start_date="2010-04-01", end_date="2010-04-30")
    assert "start_date" in exc.value.message_dict


def test_only_the_crisis_office_enters(users, haiti, open_round, site):
    with pytest.raises(PermissionDenied):
        services.site_create(actor=users["staff_lby"], crisis=haiti, data=site_data(9))
    with pytest.raises(AssessmentRound_DoesNotExist()):
        services.assessment_save(
            actor=users["staff_lby"], round_id=open_round.pk, site_id=site.pk, data=assessment_data()
        )


FLOW_POINT = {
    "name": "Ras Ajdir",
    "point_type": "border_crossing",
    "country": "TUN",
    "admin1_name": "Medenine",
    "latitude": "33.15",
    "longitude": "11.56",
}


def test_a_day_counted_again_is_corrected_not_duplicated(staff, haiti):
    point = services.flow_point_create(actor=staff, crisis=haiti, data=FLOW_POINT)
    row = {"direction": "in", "nationality": "EGY", "reason": "conflict", "destination_country": "EGY"}
    services.flow_counts_record(
        actor=staff, point_id=point.pk, date="2011-03-01", rows=[{**row, "females": 10, "males": 30, "children": 4}]
    )
    services.flow_counts_record(
        actor=staff, point_id=point.pk, date="2011-03-01", rows=[{**row, "females": 12, "males": 30, "children": 5}]
    )
    count = FlowCount.objects.get()
    assert (count.females, count.males, count.children) == (12, 30, 5)


def test_bad_flow_rows_name_the_field_and_save_nothing(staff, haiti):
    point = services.flow_point_create(actor=staff, crisis=haiti, data=FLOW_POINT)
    good = {"direction": "in", "nationality": "EGY", "reason": "conflict", "destination_country": "EGY", "males": 3}
    bad = {**good, "nationality": "XXX", "children": 9}
    with pytest.raises(ValidationError) as exc:
        services.flow_counts_record(actor=staff, point_id=point.pk, date="2011-03-01", rows=[good, bad])
    assert "rows.1.nationality" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.flow_counts_record(actor=staff, point_id=point.pk, date="2011-03-01", rows=[good, good])
    assert "rows" in exc.value.message_dict
    assert not FlowCount.objects.exists()
