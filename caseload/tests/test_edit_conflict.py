"""Two people edit the same case: the second, who opened it before the first saved, is shown the
fields both changed with both values (409) and chooses field by field; nothing is overwritten
silently, and what the first saved stays unless the second chooses otherwise."""

import re

import pytest
from django.utils import timezone

from caseload.models import Migrant
from caseload.services import migrant_update

from .factories import MigrantFactory

pytestmark = pytest.mark.django_db


def _form(page: str) -> dict:
    """The edit form's fields as the browser would send them (inputs and selected options)."""
    data: dict = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        if name != "csrfmiddlewaretoken" and not name.startswith("keep_"):
            data.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = chosen if len(chosen) > 1 else chosen[0]
    return data


def test_an_edit_on_an_old_version_shows_both_values_and_the_person_chooses(client_for, users, libya):
    migrant = MigrantFactory(office=libya.office, crisis=libya, site="Tajoura", household="")
    client = client_for(users["staff_lby"])
    url = f"/caseload/migrants/{migrant.pk}/edit/"
    opened = client.get(url).content.decode()
    form = _form(opened)
    assert form["version"] == migrant.updated_at.isoformat()
    # Meanwhile the Chief of Mission moves the person to another site.
    migrant_update(actor=users["com_lby"], migrant=migrant, data={"site": "Zuwara"})
    late = client.post(url, {**form, "site": "Misrata", "household": "HH-7"})
    assert late.status_code == 409
    page = late.content.decode()
    assert 'id="edit-conflict"' in page and "Zuwara" in page and "Misrata" in page
    assert '<tr data-field="site"' in page and '<tr data-field="household"' not in page  # only one side changed it
    assert Migrant.objects.get(pk=migrant.pk).site == "Zuwara"
    again = _form(page)
    assert again["version"] != form["version"]  # the version now, for the choice
    # A choice must be made: sending without one is refused again, naming the field.
    unchosen = client.post(url, {**again, "site": "Misrata", "conflict_fields": "site"})
    assert unchosen.status_code == 409 and b"Choose which value to keep." in unchosen.content
    kept = client.post(url, {**again, "site": "Misrata", "conflict_fields": "site", "keep_site": "theirs"})
    assert kept.status_code == 302
    migrant.refresh_from_db()
    assert migrant.site == "Zuwara" and migrant.household == "HH-7"


def test_an_edit_with_no_change_made_meanwhile_saves(client_for, users, libya):
    migrant = MigrantFactory(office=libya.office, crisis=libya, site="Tajoura")
    client = client_for(users["staff_lby"])
    url = f"/caseload/migrants/{migrant.pk}/edit/"
    form = _form(client.get(url).content.decode())
    saved = client.post(url, {**form, "site": "Janzour"})
    assert saved.status_code == 302 and Migrant.objects.get(pk=migrant.pk).site == "Janzour"
    assert Migrant.objects.get(pk=migrant.pk).updated_at <= timezone.now()
