from django import template

from core.countries import country_label

register = template.Library()


@register.filter
def country(code: str) -> str:
    """``{{ migrant.nationality|country }}``: "Egypt (EGY)", as everywhere (core.countries.country_label)."""
    return country_label(code or "")


@register.filter
def countries(codes) -> str:
    return ", ".join(country_label(code) for code in codes or [])
