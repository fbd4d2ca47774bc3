from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import country_label
from crises.models import Crisis
from crises.selectors import crises_visible_to

from .dashboard import Filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CrisisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Crisis) -> str:
        return f"{obj.code} {obj.name}"


class DashboardFilterForm(forms.Form):
    """Filters of the dashboard: a crisis the user may see, a country of the crises it sees, a period."""

    crisis = CrisisChoiceField(label=_("Crisis"), queryset=Crisis.objects.none(), required=False, empty_label=_("Any"))
    country = forms.ChoiceField(label=_("Country"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        crises = crises_visible_to(user)
        self.fields["crisis"].queryset = crises.only("pk", "code", "name").order_by("-start_date", "-id")
        countries = crises.order_by().values_list("country", flat=True).distinct()
        self.fields["country"].choices = [
            ("", _("Any")),
            *sorted(((code, country_label(code)) for code in countries), key=lambda c: c[1]),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            crisis_id=data["crisis"].pk if data.get("crisis") else None,
            country=data.get("country") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
