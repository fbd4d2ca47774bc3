"""Browser forms of displacement tracking: they shape input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import add_service_errors  # noqa: F401 - the one helper, shared with the views

from .models import Need, Reason, SiteStatus, SiteType

NUMBER = {"min_value": 0, "widget": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})}


def _blank(choices, label="---------"):
    return [("", label), *choices]


class SiteFilterForm(forms.Form):
    admin1 = forms.ChoiceField(label=_("Admin 1"), required=False)
    site_type = forms.ChoiceField(label=_("Type"), required=False, choices=_blank(SiteType.choices, _("Any")))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(SiteStatus.choices, _("Any")))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admin1"].choices = _blank([(code, f"{name} ({code})") for code, name in areas], _("Any"))


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    site_type = forms.ChoiceField(label=_("Type"), choices=_blank(SiteType.choices))
    admin1_name = forms.CharField(label=_("Admin 1"), max_length=100)
    admin1_pcode = forms.CharField(label=_("Admin 1 P-code"), max_length=20)
    admin2_name = forms.CharField(label=_("Admin 2"), max_length=100, required=False)
    admin2_pcode = forms.CharField(label=_("Admin 2 P-code"), max_length=20, required=False)
    latitude = forms.CharField(label=_("Latitude"), help_text=_("Decimal degrees, e.g. 18.54"))
    longitude = forms.CharField(label=_("Longitude"), help_text=_("Decimal degrees, e.g. -72.33"))
    managing_agency = forms.CharField(label=_("Managing agency"), max_length=200, required=False)


class SiteCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closure date"), widget=forms.DateInput(attrs={"type": "date"}))
    closure_reason = forms.CharField(
        label=_("Reason for closure"),
        max_length=500,
        help_text=_("For example: relocated to another site, returns completed, land returned to its owner."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoundForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))


class AssessmentForm(forms.Form):
    households = forms.IntegerField(label=_("Households"), **NUMBER)
    individuals = forms.IntegerField(
        label=_("Individuals"), help_text=_("The sum of the eight sex and age counts below."), **NUMBER
    )
    female_0_4 = forms.IntegerField(label=_("Female, 0-4"), initial=0, **NUMBER)
    female_5_17 = forms.IntegerField(label=_("Female, 5-17"), initial=0, **NUMBER)
    female_18_59 = forms.IntegerField(label=_("Female, 18-59"), initial=0, **NUMBER)
    female_60_plus = forms.IntegerField(label=_("Female, 60+"), initial=0, **NUMBER)
    male_0_4 = forms.IntegerField(label=_("Male, 0-4"), initial=0, **NUMBER)
    male_5_17 = forms.IntegerField(label=_("Male, 5-17"), initial=0, **NUMBER)
    male_18_59 = forms.IntegerField(label=_("Male, 18-59"), initial=0, **NUMBER)
    male_60_plus = forms.IntegerField(label=_("Male, 60+"), initial=0, **NUMBER)
    idps = forms.IntegerField(label=_("Internally displaced persons"), initial=0, **NUMBER)
    international_migrants = forms.IntegerField(label=_("International migrants"), initial=0, **NUMBER)
    returnees = forms.IntegerField(label=_("Returnees"), initial=0, **NUMBER)
    host_community = forms.IntegerField(label=_("Host community"), initial=0, **NUMBER)
    origin_admin1 = forms.CharField(
        label=_("Place of origin of the majority (admin 1)"), max_length=100, required=False
    )
    reason = forms.ChoiceField(label=_("Reason for displacement"), choices=_blank(Reason.choices))
    need_1 = forms.ChoiceField(label=_("First need"), choices=_blank(Need.choices))
    need_2 = forms.ChoiceField(label=_("Second need"), choices=_blank(Need.choices), required=False)
    need_3 = forms.ChoiceField(label=_("Third need"), choices=_blank(Need.choices), required=False)
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    correction_reason = forms.CharField(
        label=_("Why the validated figures are corrected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Table of the round (CSV or XLSX), one row per site"))
