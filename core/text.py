"""Text that may be stored: no NUL and no other control character except tab, line feed and
carriage return (PostgreSQL refuses NUL in text; spreadsheets refuse the rest).

Enforced once, at the boundary: every Django form ``CharField`` and every DRF ``CharField`` (and
their subclasses: e-mail, slug, choice-free text, the filters of django-filter) carries
``refuse_control_characters`` from ``CoreConfig.ready``; query strings are checked by
``core.middleware.RefuseControlCharactersMiddleware``. What was stored before is written safely by
the exports (``core.tabular``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


@deconstructible
class RefuseControlCharacters:
    message = _("Remove the control characters (such as NUL) from this text.")
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, RefuseControlCharacters)


refuse_control_characters = RefuseControlCharacters()


def install() -> None:
    """Every text field of a form or of the API refuses control characters."""
    from django import forms
    from rest_framework import serializers

    for field in (forms.CharField, serializers.CharField):
        if refuse_control_characters not in field.default_validators:
            field.default_validators = [*field.default_validators, refuse_control_characters]
