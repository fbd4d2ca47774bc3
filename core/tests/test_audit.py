import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit_record
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_database_refuses_to_edit_or_delete_the_audit_trail(users):
    entry = audit_record(actor=users["hq"], action="read", object_type="caseload.migrant", object_id=7)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_hq_searches_the_audit_trail(users, client_for, django_assert_max_num_queries):
    for n in range(3):
        audit_record(actor=users["staff_lby"], action="read", object_type="caseload.migrant", object_id=n)
    audit_record(actor=users["hq"], action="update", object_type="crises.crisis", object_id=1)
    client = client_for(users["hq"])
    with django_assert_max_num_queries(6):
        response = client.get("/audit/", {"actor": "staff_lby", "action": "read"})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3
    assert all(e.actor.username == "staff_lby" for e in response.context["entries"])


@pytest.mark.parametrize("username", ["com_lby", "staff_lby", "gov_egy", "unhcr"])
def test_only_hq_reads_the_audit_trail(users, client_for, username):
    assert client_for(users[username]).get("/audit/").status_code == 403


def test_deactivating_a_user_ends_its_sessions_and_tokens_at_once(users, client_for, api_for):
    user = users["staff_lby"]
    client, api = client_for(user), api_for(user)
    assert client.get("/").status_code == 200
    assert api.get("/api/v1/offices/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/").status_code == 302
    assert api.get("/api/v1/offices/").status_code == 401


def test_a_session_ends_at_its_absolute_lifetime(users, client_for, settings):
    from core.middleware import SESSION_STARTED_KEY

    client = client_for(users["staff_tun"])
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_security_headers(users, client_for):
    response = client_for(users["hq"]).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_error_pages_use_the_layout(users, client_for):
    response = client_for(users["staff_lby"]).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Not found" in response.content
    response = client_for(users["staff_lby"]).get("/partners/")
    assert response.status_code == 403
    assert b"Access denied" in response.content
