import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def sector_reference_data(request):
    """The sectors and the matrix come from data migrations; a transactional test elsewhere in the
    run flushes them, so load them again when they are missing."""
    if not request.node.get_closest_marker("django_db"):
        return
    from sectors.models import MatrixCell, Sector

    if Sector.objects.count() == 15 and MatrixCell.objects.count() == 225:
        return
    for name in ("0002_reference_data", "0003_annex_i_matrix"):
        importlib.import_module(f"sectors.migrations.{name}").load(apps, None)
