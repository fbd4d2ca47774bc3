from django import template

from core.pickers import datalists_html

register = template.Library()


@register.simple_tag
def picker_datalists() -> str:
    """The suggestions of the country and language pickers (core.pickers), once per page."""
    return datalists_html()
