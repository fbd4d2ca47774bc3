"""The boarding checklist with no connection (static/js/offline.js, the service worker at /sw.js):
opened once online, it opens offline from the copy kept encrypted in the browser; each tap made
offline waits, encrypted, on its row, and is sent once, in order, when the connection returns; a mark
the server refuses stays on its row with the server's error; logging out leaves nothing of it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import offline_ready
from core.models import IdempotencyKey
from movements import services
from movements.models import Passenger

from .conftest import plan_movement, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [("Rahim", "Hossain"), ("Salma", "Akter"), ("Karim", "Uddin"), ("Nasima", "Begum")]


@pytest.fixture
def boarding(staff, libya):
    movement = plan_movement(staff, libya)
    people = [
        register(staff, libya, given_name=given, family_name=family, document_number=f"BG100000{n}")
        for n, (given, family) in enumerate(PEOPLE)
    ]
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=people)
    services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")
    return movement


def _row(page, movement, family):
    return page.locator(f"#gate-{Passenger.objects.get(movement=movement, migrant__family_name=family).pk}")


def _sealed(page, store):
    return page.evaluate(
        """(store) => new Promise(resolve => {
        const open = indexedDB.open('mcof-offline');
        open.onsuccess = () => {
            const get = open.result.transaction(store).objectStore(store).getAll();
            get.onsuccess = () => resolve(get.result.map(r => [Object.keys(r).sort().join(','),
                new TextDecoder().decode(r.ct)]));
        };
    })""",
        store,
    )


def test_marks_made_offline_wait_on_their_rows_and_are_sent_once_each(
    page, login, live_server, boarding, axe_violations
):
    url = f"{live_server.url}{reverse('movements:boarding', args=[boarding.pk])}"
    login(page, "staff_lby")
    offline_ready(page, url)
    page.context.set_offline(True)
    page.get_by_role("button", name="Boarded: Rahim Hossain").click()
    expect(page.locator("[data-mark-note]")).to_have_count(1)
    assert "kept in this browser" in page.locator("[data-offline-status]").inner_text()
    page.get_by_role("button", name="Boarded: Salma Akter").click()
    # The keyboard: to the no-show of the third and Enter.
    page.get_by_role("button", name="No-show: Karim Uddin").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-mark-note]")).to_have_count(3)
    expect(page.locator("#boarding-queue h2")).to_have_text("3 boarding marks waiting to be sent")
    expect(_row(page, boarding, "Uddin").locator("[data-mark-note]")).to_have_text(
        re.compile(r"^No-show · waiting to be sent")
    )
    assert axe_violations(page) == []

    # Kept encrypted: neither the copy of the checklist nor the marks hold a name in clear.
    kept = _sealed(page, "manifests") + _sealed(page, "marks")
    assert len(kept) == 4 and all(keys == "ct,id,iv" for keys, _ in kept)
    assert not any(family in text for _, text in kept for _given, family in PEOPLE)

    page.reload()  # still offline: the empty frame from the service worker, filled from IndexedDB
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)
    expect(page.locator("[data-passenger]")).to_have_count(4)
    expect(page.locator("[data-mark-note]")).to_have_count(3)
    expect(page.locator("#boarding-queue h2")).to_have_text("3 boarding marks waiting to be sent")
    expect(_row(page, boarding, "Hossain").locator("[data-mark-note]")).to_contain_text("Boarded · waiting to be sent")
    expect(_row(page, boarding, "Begum").locator("[data-mark-note]")).to_have_count(0)
    assert axe_violations(page) == []
    assert set(Passenger.objects.filter(movement=boarding).values_list("boarding_status", flat=True)) == {"booked"}

    page.context.set_offline(False)
    expect(page.locator("[data-mark-note]")).to_have_count(0)
    expect(page.locator("#boarding-queue")).to_be_hidden()
    expect(_row(page, boarding, "Akter").locator("[data-boarding]")).to_have_text("Boarded")
    status = dict(Passenger.objects.filter(movement=boarding).values_list("migrant__family_name", "boarding_status"))
    assert status == {"Hossain": "boarded", "Akter": "boarded", "Uddin": "no_show", "Begum": "booked"}
    assert IdempotencyKey.objects.count() == 3
    from core.models import AuditEntry

    marks = AuditEntry.objects.filter(object_type__icontains="passenger", action="update")
    assert sorted(e.after["boarding_status"] for e in marks) == ["boarded", "boarded", "no_show"]

    # The service worker keeps the shell and the empty frame, never the checklist's page.
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) { urls.push(new URL(request.url).pathname); }
        }
        return urls;
    }""")
    frame = reverse("movements:boarding_offline")
    assert frame in cached and reverse("movements:boarding", args=[boarding.pk]) not in cached
    assert all(u.startswith("/static/") or u in (frame, reverse("caseload:migrant_create")) for u in cached), cached


def test_an_offload_refused_when_sent_stays_on_its_row_with_the_servers_error(
    page, login, live_server, boarding, staff
):
    url = f"{live_server.url}{reverse('movements:boarding', args=[boarding.pk])}"
    login(page, "staff_lby")
    offline_ready(page, url)
    page.context.set_offline(True)
    row = _row(page, boarding, "Begum")
    row.locator("summary").click()
    row.get_by_label("Reason for offloading").fill("Fever at the gate")
    row.get_by_role("button", name="Offload: Nasima Begum").click()
    expect(row.locator("[data-mark-note]")).to_contain_text("Offloaded · waiting to be sent")
    services.movement_transition(actor=staff, movement_id=boarding.pk, to="departed")  # meanwhile, it left
    page.context.set_offline(False)
    note = _row(page, boarding, "Begum").locator("[data-mark-note]")
    expect(note).to_contain_text("Offloaded · refused: Passengers board while the movement is boarding.")
    expect(page.locator("[data-offline-status]")).to_have_text("A boarding mark was refused: its row says why.")
    expect(page.locator("#boarding-queue")).to_be_hidden()
    assert [keys for keys, _ in _sealed(page, "marks")] == ["ct,id,iv,settled"]  # nothing left to send
    page.reload()
    expect(_row(page, boarding, "Begum").locator(".offline-refused")).to_have_count(1)
    _row(page, boarding, "Begum").get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("[data-mark-note]")).to_have_count(0)
    assert Passenger.objects.get(movement=boarding, migrant__family_name="Begum").offload_reason == ""


def test_a_mark_replayed_after_a_cut_connection_applies_once(page, login, live_server, boarding):
    url = f"{live_server.url}{reverse('movements:boarding', args=[boarding.pk])}"
    login(page, "staff_lby")
    offline_ready(page, url)
    answered = []

    def cut_after_the_server_answered(route):
        answered.append(route.fetch().status)  # the server marks the passenger...
        return route.abort("internetdisconnected")  # ...and the answer never arrives

    mark_url = re.compile(r".*/movements/\d+/boarding/\d+/$")
    page.route(mark_url, cut_after_the_server_answered)
    page.get_by_role("button", name="Boarded: Rahim Hossain").click()
    for _ in range(50):
        if answered:
            break
        page.wait_for_timeout(100)
    assert answered == [200]
    expect(page.locator("[data-offline-status]")).to_contain_text("kept in this browser")
    expect(page.locator("[data-mark-note]")).to_have_count(1)
    page.unroute(mark_url)
    page.get_by_role("button", name="Send now").click()  # the same mark, with the same key
    expect(page.locator("[data-mark-note]")).to_have_count(0)
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(object_type__icontains="passenger", action="update").count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_after_logout_nothing_of_the_checklist_stays_in_the_browser(page, login, live_server, boarding):
    url = f"{live_server.url}{reverse('movements:boarding', args=[boarding.pk])}"
    login(page, "staff_lby")
    offline_ready(page, url)
    page.context.set_offline(True)
    page.get_by_role("button", name="Boarded: Rahim Hossain").click()
    expect(page.locator("[data-mark-note]")).to_have_count(1)
    page.route(re.compile(r".*/movements/\d+/boarding/\d+/$"), lambda r: r.abort())  # it stays waiting
    page.context.set_offline(False)
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == ["mcof-offline"]
    assert len(_sealed(page, "manifests")) == 1
    assert page.evaluate("caches.keys()")

    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))
    assert asked and "boarding marks" in asked[0]
    expect(page.locator("html[data-offline-wiped=true]")).to_have_count(1)
    assert page.evaluate("indexedDB.databases()") == []
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("sessionStorage.getItem('mcof-offline-key')") is None
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert set(Passenger.objects.filter(movement=boarding).values_list("boarding_status", flat=True)) == {"booked"}
