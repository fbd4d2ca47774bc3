"""Browser forms: they parse input; the services validate the rules and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import PG_INT_MAX
from core.countries import country_choices

from .models import AffectedGroup, ApproverKind, Audience, Crisis, CrisisType, Movement, Phase

LEVEL_CHOICES = [(1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))]
SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]
SCORE_HELP = _("1 = low, 5 = very high")


class DateInput(forms.DateInput):
    input_type = "date"


def split_codes(value: str) -> list[str]:
    return [
        part.strip().upper() for part in (value or "").replace(";", ",").replace(" ", ",").split(",") if part.strip()
    ]


class CrisisForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Owning office"), queryset=None, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    crisis_type = forms.ChoiceField(label=_("Type"), choices=CrisisType.choices)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.DURING)
    movement = forms.ChoiceField(label=_("Movement"), choices=Movement.choices)
    country = forms.ChoiceField(label=_("Country in crisis"), choices=())
    other_countries = forms.CharField(
        label=_("Other affected countries"),
        required=False,
        help_text=_("ISO 3166-1 alpha-3 codes separated by commas, e.g. TUN, EGY (countries of transit or refuge)."),
    )
    nationalities = forms.CharField(
        label=_("Nationalities of migrants caught in the crisis"),
        required=False,
        help_text=_("ISO 3166-1 alpha-3 codes separated by commas, e.g. EGY, BGD, NER, TCD."),
    )
    glide = forms.CharField(
        label=_("GLIDE number"), required=False, max_length=32, help_text=_("For example FL-2010-000141-PAK.")
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Crisis.Status.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    retention_days = forms.IntegerField(
        label=_("Retention of personal data after closure (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("After it the migrants' personal data is pseudonymised. Leave empty for the default period."),
    )

    def __init__(self, *args, user=None, crisis: Crisis | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *((c, f"{n} ({c})") for c, n in country_choices())]
        if crisis is None:
            from accounts.models import Office

            offices = Office.objects.filter(pk__in=user.office_ids) if user is not None else Office.objects.none()
            self.fields["office"].queryset = offices
            if len(user.office_ids if user is not None else ()) <= 1:
                del self.fields["office"]
            del self.fields["status"]
            del self.fields["retention_days"]  # set on the crisis's edit form
        else:
            del self.fields["office"]
            del self.fields["phase"]  # the phase moves with a reason, on its own form

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["other_countries"] = split_codes(values.get("other_countries", ""))
        values["nationalities"] = split_codes(values.get("nationalities", ""))
        values["glide"] = values.get("glide") or None
        return values

    @staticmethod
    def initial_for(crisis: Crisis) -> dict:
        return {
            "name": crisis.name,
            "crisis_type": crisis.crisis_type,
            "movement": crisis.movement,
            "country": crisis.country,
            "other_countries": ", ".join(crisis.other_country_codes),
            "nationalities": ", ".join(crisis.nationality_codes),
            "glide": crisis.glide or "",
            "start_date": crisis.start_date,
            "end_date": crisis.end_date,
            "status": crisis.status,
            "description": crisis.description,
            "retention_days": crisis.retention_days,
        }


class CrisisFilterForm(forms.Form):
    q = forms.CharField(label=_("Text"), required=False)
    crisis_type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Any")), *CrisisType.choices])
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("Any")), *Phase.choices])
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any")), ("none", _("No level")), *LEVEL_CHOICES]
    )
    country = forms.CharField(label=_("Country (ISO3)"), required=False, max_length=3)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Crisis.Status.choices])


class ProposalForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Proposed level"), choices=LEVEL_CHOICES, coerce=int)
    score_scale = forms.TypedChoiceField(label=_("Scale"), choices=SCORE_CHOICES, coerce=int, help_text=SCORE_HELP)
    score_urgency = forms.TypedChoiceField(label=_("Urgency"), choices=SCORE_CHOICES, coerce=int, help_text=SCORE_HELP)
    score_complexity = forms.TypedChoiceField(
        label=_("Complexity"), choices=SCORE_CHOICES, coerce=int, help_text=SCORE_HELP
    )
    score_capacity = forms.TypedChoiceField(
        label=_("Capacity (gap)"), choices=SCORE_CHOICES, coerce=int, help_text=SCORE_HELP
    )
    score_risk = forms.TypedChoiceField(
        label=_("Risk of failure to deliver"), choices=SCORE_CHOICES, coerce=int, help_text=SCORE_HELP
    )
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject."),
    )


class PhaseChangeForm(forms.Form):
    phase = forms.ChoiceField(label=_("New phase"), choices=Phase.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class FigureForm(forms.Form):
    group = forms.ChoiceField(label=_("Affected group"), choices=AffectedGroup.choices)
    figure = forms.IntegerField(label=_("Estimated number"), min_value=0, max_value=PG_INT_MAX)
    as_of = forms.DateField(label=_("As of"), widget=DateInput)
    source = forms.CharField(label=_("Source"), max_length=200)


class LevelPolicyForm(forms.Form):
    approver = forms.ChoiceField(label=_("Who approves a declaration"), choices=ApproverKind.choices)
    validity_months = forms.IntegerField(label=_("Validity before review (months)"), min_value=1, max_value=366)
    extension_months = forms.IntegerField(label=_("Extension (months)"), min_value=0, max_value=366)
    max_extensions = forms.IntegerField(label=_("Number of extensions allowed"), min_value=0, max_value=366)
    sitrep_cadence_days = forms.IntegerField(label=_("Situation report every (days)"), min_value=1, max_value=366)
    notify = forms.MultipleChoiceField(
        label=_("Who is told"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))
