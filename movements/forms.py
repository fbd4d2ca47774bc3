"""Browser forms of movements; they parse input (times in the place's own zone), the services decide."""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import country_choices
from core.forms import add_service_errors  # noqa: F401 - the one helper, shared with the views
from core.widgets import FastSelect
from crises.models import Crisis
from partners.models import Partner

from .models import Escort, Fitness, Mode, MovementKind, SpecialNeed, TravelDocumentType
from .services import MOVEMENT_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


@functools.cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    names = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/"))
    return tuple((zone, zone.replace("_", " ")) for zone in names)


def _blank(choices):
    return [("", "---------"), *choices]


class MovementForm(forms.Form):
    crisis = forms.ModelChoiceField(label=_("Crisis"), queryset=Crisis.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(MovementKind.choices))
    mode = forms.ChoiceField(label=_("Mode"), choices=_blank(Mode.choices))
    carrier = forms.CharField(label=_("Carrier"), max_length=200)
    service_number = forms.CharField(
        label=_("Service number"), max_length=64, required=False, help_text=_("Flight number, vessel or convoy.")
    )
    origin_country = forms.ChoiceField(label=_("Origin country"), choices=(), widget=FastSelect)
    origin_place = forms.CharField(label=_("Origin"), max_length=200)
    origin_timezone = forms.ChoiceField(label=_("Time zone of the origin"), choices=(), widget=FastSelect)
    planned_departure = forms.DateTimeField(
        label=_("Planned departure"), widget=DATETIME, help_text=_("Local time at the origin.")
    )
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=(), widget=FastSelect)
    destination_place = forms.CharField(label=_("Destination"), max_length=200)
    destination_timezone = forms.ChoiceField(label=_("Time zone of the destination"), choices=(), widget=FastSelect)
    planned_arrival = forms.DateTimeField(
        label=_("Planned arrival"), widget=DATETIME, help_text=_("Local time at the destination.")
    )
    transit_points = forms.CharField(
        label=_("Transit points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, in order: country code, place (e.g. TUN, Djerba airport)."),
    )
    seat_capacity = forms.IntegerField(label=_("Seats"), min_value=1)
    receiving_partner = forms.ModelChoiceField(
        label=_("Receiving agency"), queryset=Partner.objects.filter(is_active=True).order_by("name"), required=False
    )
    operational_escort_names = forms.CharField(
        label=_("Operational escorts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line."),
    )
    medical_escort_names = forms.CharField(
        label=_("Medical escorts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line."),
    )
    operational_escorts = forms.IntegerField(label=_("Other operational escorts (count)"), min_value=0, initial=0)
    medical_escorts = forms.IntegerField(label=_("Other medical escorts (count)"), min_value=0, initial=0)

    def __init__(self, *args, crises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crisis"].queryset = crises
        countries = _blank(country_choices())
        zones = _blank(timezone_choices())
        for name in ("origin_country", "destination_country"):
            self.fields[name].choices = countries
        for name in ("origin_timezone", "destination_timezone"):
            self.fields[name].choices = zones

    def _local(self, name: str, zone_field: str):
        value, zone = self.cleaned_data.get(name), self.cleaned_data.get(zone_field)
        if value is None or not zone:
            return value
        naive = value.replace(tzinfo=None) if value.tzinfo else value
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(datetime.UTC)

    def clean(self):
        cleaned = super().clean()
        cleaned["planned_departure"] = self._local("planned_departure", "origin_timezone")
        cleaned["planned_arrival"] = self._local("planned_arrival", "destination_timezone")
        points = []
        for number, line in enumerate((cleaned.get("transit_points") or "").splitlines(), start=1):
            if not line.strip():
                continue
            country, _sep, place = line.partition(",")
            if not place.strip():
                self.add_error("transit_points", _("Line %(n)s: give a country code and a place.") % {"n": number})
            points.append({"country": country.strip().upper(), "place": place.strip()})
        cleaned["transit_point_list"] = points
        return cleaned

    def movement_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in MOVEMENT_FIELDS}

    def escorts(self) -> list[dict]:
        out = []
        for kind, field in (
            (Escort.Kind.OPERATIONAL, "operational_escort_names"),
            (Escort.Kind.MEDICAL, "medical_escort_names"),
        ):
            out += [
                {"kind": kind, "name": line.strip()} for line in self.cleaned_data[field].splitlines() if line.strip()
            ]
        return out


class SelectionForm(forms.Form):
    """Who to add besides the caseload filters: case references, or a household together."""

    references = forms.CharField(
        label=_("Case references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or more, separated by spaces or new lines."),
    )
    household = forms.CharField(label=_("Group or household"), required=False, max_length=64)


class PassengerForm(forms.Form):
    seat = forms.CharField(label=_("Seat"), max_length=16, required=False)
    fitness = forms.ChoiceField(label=_("Fit to travel"), choices=_blank(Fitness.choices), required=False)
    special_needs = forms.MultipleChoiceField(
        label=_("Special needs"), choices=SpecialNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    escort = forms.ModelChoiceField(label=_("Escort"), queryset=Escort.objects.none(), required=False)
    document_type = forms.ChoiceField(
        label=_("Travel document"), choices=_blank(TravelDocumentType.choices), required=False
    )
    document_number = forms.CharField(label=_("Travel document number"), max_length=64, required=False)

    def __init__(self, *args, movement, locked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escort"].queryset = Escort.objects.filter(movement=movement)
        self.fields["escort"].label_from_instance = lambda escort: f"{escort.name} ({escort.get_kind_display()})"


class ShareOverrideForm(forms.Form):
    share_override_reason = forms.CharField(
        label=_("Reason for sharing without consent"), widget=forms.Textarea(attrs={"rows": 2})
    )
