"""Serializer fields whose schema states what the services validate."""

from __future__ import annotations

import zoneinfo

import pycountry
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ALPHA3 = sorted(country.alpha_3 for country in pycountry.countries)
TIME_ZONES = sorted(zoneinfo.available_timezones())


@extend_schema_field({"type": "string", "enum": ALPHA3, "description": "ISO 3166-1 alpha-3 country code."})
class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-3 code: the schema lists them (core.countries validates it, in the service
    or the model, with its own message)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "enum": TIME_ZONES, "description": "An IANA time zone."})
class TimeZoneField(serializers.CharField):
    """An IANA time zone name (e.g. Africa/Tripoli): the schema lists the ones this machine knows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
