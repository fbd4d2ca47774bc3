"""Field validators of a migrant record; model fields carry them, so forms, the API and services agree."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.countries import is_iso3

from .names import normalise_arabic

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


def normalise_name(value: str) -> str:
    """Lower-case, accent-free, single-spaced: "  José  Ñúñez-Díaz" -> "jose nunez diaz"; Arabic
    letters folded by caseload.names.normalise_arabic: "أَحْمَد  فاطمة" -> "احمد فاطمه"."""
    decomposed = unicodedata.normalize("NFKD", normalise_arabic(value or ""))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


def normalise_document(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def phone_to_e164(value: str) -> str:
    """Parse an international number and answer it in E.164, or raise a ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number in international format, starting with + and the country code."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    phone_to_e164(value)


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="future_date")


def validate_iso3_list(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list of country codes."), code="invalid")
    bad = [code for code in value if not isinstance(code, str) or not is_iso3(code)]
    if bad:
        raise ValidationError(
            _("%(codes)s: not ISO 3166-1 alpha-3 country codes."),
            code="invalid_country",
            params={"codes": ", ".join(map(str, bad))},
        )


def validate_languages(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and LANGUAGE_RE.match(v) for v in value):
        raise ValidationError(_("Enter languages as ISO 639 codes, e.g. ar, bn, fr."), code="invalid_language")


def validate_vulnerabilities(value) -> None:
    from .models import Vulnerability

    if not isinstance(value, list) or not all(v in Vulnerability.values for v in value):
        raise ValidationError(_("Unknown vulnerability."), code="invalid_choice")
    if len(set(value)) != len(value):
        raise ValidationError(_("A vulnerability is listed twice."), code="duplicate")


def validate_purposes(value) -> None:
    """The purposes of a consent: kinds of referral (``sectors.referral_kinds.ReferralKind``), each once."""
    from sectors.referral_kinds import ReferralKind

    if not isinstance(value, list) or not all(v in ReferralKind.values for v in value):
        raise ValidationError(_("Unknown purpose."), code="invalid_choice")
    if len(set(value)) != len(value):
        raise ValidationError(_("A purpose is listed twice."), code="duplicate")
