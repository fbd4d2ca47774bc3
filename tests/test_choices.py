"""get_<field>_display() through core.choices answers what Django's own does, in the active language."""

import pytest
from django.utils import translation

from caseload.models import Migrant, Referral


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_same_labels_as_django(language):
    from django.db.models import Model

    migrant = Migrant(sex="female", document_status="lost")
    referral = Referral(kind="consular", status="in_progress", priority="life_saving")
    with translation.override(language):
        for obj, name in ((migrant, "sex"), (migrant, "document_status"), (referral, "kind"), (referral, "status")):
            field = obj._meta.get_field(name)
            assert getattr(obj, f"get_{name}_display")() == Model._get_FIELD_display(obj, field)
        referral.priority = "unknown-value"
        assert referral.get_priority_display() == "unknown-value"
