"""The migrant fields an import fills: their columns, which are required, their choices, and how
the headers of a registration list or a manifest name them (``Columns``, from ``mapping``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..forms import MigrantForm
from ..models import DocumentStatus, Intention, LegalBasis, Migrant, PopulationGroup, Sex
from ..services import MIGRANT_FIELDS
from .mapping import Columns

# The columns of the template file, in order; they are also the field names a column maps to.
IMPORT_FIELDS: tuple[str, ...] = MIGRANT_FIELDS
REQUIRED_FIELDS = (
    "given_name",
    "family_name",
    "sex",
    "nationality",
    "document_status",
    "location_country",
    "population_group",
)
CHOICES = {
    "sex": Sex,
    "document_status": DocumentStatus,
    "population_group": PopulationGroup,
    "intention": Intention,
    "legal_basis": LegalBasis,
}
DEFAULTS = {"intention": Intention.UNDECIDED, "legal_basis": LegalBasis.CONSENT}


def field_label(name: str) -> str:
    return str(MigrantForm.base_fields[name].label)


MIGRANT_COLUMNS = Columns(
    fields=IMPORT_FIELDS,
    required=REQUIRED_FIELDS,
    label=field_label,
    names=lambda name: (field_label(name), Migrant._meta.get_field(name).verbose_name),
    aliases={
        "first name": "given_name",
        "surname": "family_name",
        "last name": "family_name",
        "gender": "sex",
        "dob": "date_of_birth",
        "birth date": "date_of_birth",
        "age": "estimated_age",
        "country of origin": "nationality",
        "passport number": "document_number",
        "document number": "document_number",
        "telephone": "phone",
        "phone number": "phone",
    },
    one_of=(
        (
            ("date_of_birth", "estimated_age"),
            gettext_lazy("Map a column to the date of birth or to the estimated age."),
        ),
    ),
)


def auto_mapping(headers: list[str]) -> dict[str, str]:
    return MIGRANT_COLUMNS.auto_mapping(headers)


def check_mapping(mapping: dict[str, str], column_count: int) -> dict[str, str]:
    return MIGRANT_COLUMNS.check(mapping, column_count)
