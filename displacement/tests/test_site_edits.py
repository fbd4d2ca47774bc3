"""A site's details are corrected while it is open and it is closed with a date and a reason, from the
pages and the API: every change audited with what it was before, bad input naming the field and
saving nothing, a closed site kept as it was, and nobody outside the crisis's office changing it."""

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from displacement import services
from displacement.models import Site, SiteStatus

from .conftest import site_data

pytestmark = pytest.mark.django_db


def test_an_open_site_is_corrected_and_the_audit_keeps_before_and_after(staff, site):
    services.site_update(actor=staff, site=site, data={"managing_agency": "ACTED", "latitude": "18.60"})
    site.refresh_from_db()
    assert site.managing_agency == "ACTED" and str(site.latitude) == "18.60000" and site.name == "Camp 1"
    entry = AuditEntry.objects.filter(object_type="displacement.site", action="update").latest("pk")
    assert entry.before == {"managing_agency": "IOM", "latitude": "18.54000"}
    assert entry.after == {"managing_agency": "ACTED", "latitude": "18.60000"}


def test_bad_details_name_every_field_and_save_nothing(staff, site):
    with pytest.raises(ValidationError) as refused:
        services.site_update(actor=staff, site=site, data={"latitude": "95", "site_type": "palace", "name": ""})
    assert set(refused.value.message_dict) == {"latitude", "site_type", "name"}
    site.refresh_from_db()
    assert site.name == "Camp 1" and not AuditEntry.objects.filter(object_type="displacement.site", action="update")


def test_a_name_already_used_in_the_area_is_refused(staff, haiti, site):
    other = services.site_create(actor=staff, crisis=haiti, data=site_data(2))
    with pytest.raises(ValidationError) as refused:
        services.site_update(actor=staff, site=other, data={"name": "Camp 1"})
    assert "name" in refused.value.message_dict


def test_a_closed_site_is_not_edited_nor_closed_again(staff, site):
    services.site_close(actor=staff, site=site, closed_on="2010-06-01", reason="Relocated to Corail")
    with pytest.raises(ValidationError) as refused:
        services.site_update(actor=staff, site=site, data={"managing_agency": "ACTED"})
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.site_close(actor=staff, site=site, closed_on="2010-06-02", reason="Again")


def test_the_pages_edit_and_close_a_site(client_for, staff, site):
    client = client_for(staff)
    page = client.get(f"/displacement/sites/{site.pk}/")
    assert f"/displacement/sites/{site.pk}/edit/".encode() in page.content
    form = client.get(f"/displacement/sites/{site.pk}/edit/")
    assert form.status_code == 200 and b'value="Camp 1"' in form.content
    bad = client.post(f"/displacement/sites/{site.pk}/edit/", {**site_data(), "longitude": "-200"})
    assert bad.status_code == 200 and b"Between -180 and 180 degrees." in bad.content
    saved = client.post(f"/displacement/sites/{site.pk}/edit/", {**site_data(), "name": "Camp Corail"})
    assert saved.status_code == 302
    site.refresh_from_db()
    assert site.name == "Camp Corail"
    missing = client.post(f"/displacement/sites/{site.pk}/close/", {"closed_on": "2010-06-01"})
    assert missing.status_code == 200 and Site.objects.get(pk=site.pk).status == SiteStatus.OPEN
    closed = client.post(
        f"/displacement/sites/{site.pk}/close/", {"closed_on": "2010-06-01", "closure_reason": "Returns completed"}
    )
    assert closed.status_code == 302
    site.refresh_from_db()
    assert site.status == SiteStatus.CLOSED and site.closure_reason == "Returns completed"
    after = client.get(f"/displacement/sites/{site.pk}/edit/")
    assert after.status_code == 302 and Site.objects.get(pk=site.pk).name == "Camp Corail"


def test_the_api_corrects_and_closes_a_site(api_for, staff, site):
    api = api_for(staff)
    url = f"/api/v1/sites/{site.pk}/"
    bad = api.patch(url, {"latitude": "north"}, format="json")
    assert bad.status_code == 400 and "latitude" in bad.json()["error"]["fields"]
    ok = api.patch(url, {"managing_agency": "ACTED"}, format="json")
    assert ok.status_code == 200 and ok.json()["managing_agency"] == "ACTED"
    assert api.put(url, {"managing_agency": "ACTED"}, format="json").status_code == 405
    future = api.post(f"{url}close/", {"closed_on": "2999-01-01", "closure_reason": "x"}, format="json")
    assert future.status_code == 400 and "closed_on" in future.json()["error"]["fields"]
    closed = api.post(f"{url}close/", {"closed_on": "2010-06-01", "closure_reason": "Relocated"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = api.patch(url, {"managing_agency": "IOM"}, format="json")
    assert again.status_code == 400 and "status" in again.json()["error"]["fields"]


def test_outsiders_cannot_change_a_site(api_for, client_for, users, site):
    for name in ("staff_lby", "gov_egy", "unhcr"):
        api = api_for(users[name])
        assert api.patch(f"/api/v1/sites/{site.pk}/", {"name": "X"}, format="json").status_code in (403, 404)
        answer = api.post(f"/api/v1/sites/{site.pk}/close/", {"closed_on": "2010-06-01", "closure_reason": "x"})
        assert answer.status_code in (403, 404)
        assert client_for(users[name]).post(f"/displacement/sites/{site.pk}/close/", {}).status_code in (403, 404)
    assert api_for(users["hq"]).patch(f"/api/v1/sites/{site.pk}/", {"name": "X"}, format="json").status_code == 403
    assert Site.objects.get(pk=site.pk).name == "Camp 1"
