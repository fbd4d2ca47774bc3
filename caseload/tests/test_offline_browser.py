"""Registering with no connection (static/js/offline.js, the service worker at /sw.js): the
registrations typed offline wait in the browser, encrypted, and are sent once each when the
connection returns; a connection cut during the sending loses nothing and makes nobody twice;
logging out leaves nothing of the application in the browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from caseload.models import Migrant
from conftest import offline_ready
from core.models import IdempotencyKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(page, libya, given, family):
    page.locator("[name=crisis]").select_option(str(libya.pk))
    page.locator("[name=given_name]").fill(given)
    page.locator("[name=family_name]").fill(family)
    page.locator("[name=sex]").select_option("female")
    page.locator("[name=date_of_birth]").fill("1994-03-02")
    page.locator("[name=nationality]").fill("Egypt")
    page.locator("[name=document_status]").select_option("lost")
    page.locator("[name=location_country]").fill("Libya")
    page.locator("[name=population_group]").select_option("international_migrant")
    page.locator("form[data-offline-queue] button[type=submit]").click()


def _waiting(page, count):
    expect(page.locator("[data-offline-item]")).to_have_count(count)


def test_two_registrations_made_offline_are_sent_once_each_when_the_connection_returns(
    page, login, live_server, libya, axe_violations
):
    url = f"{live_server.url}{reverse('caseload:migrant_create')}"
    login(page, "staff_lby")
    offline_ready(page, url)
    page.context.set_offline(True)
    _register(page, libya, "Mona", "Abdel Fattah")
    _waiting(page, 1)
    assert "kept in this browser" in page.locator("[data-offline-status]").inner_text()
    _register(page, libya, "Karim", "Haddad")
    _waiting(page, 2)
    assert page.locator("#offline-queue h2").inner_text() == "2 registrations waiting to be sent"
    assert page.locator("[name=given_name]").input_value() == ""  # ready for the next person
    assert axe_violations(page) == []

    # Kept encrypted: the stored rows hold no name in clear.
    rows = page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open('mcof-offline');
        open.onsuccess = () => {
            const get = open.result.transaction('queue').objectStore('queue').getAll();
            get.onsuccess = () => resolve(get.result.map(r => [Object.keys(r).sort().join(','),
                new TextDecoder().decode(r.ct)]));
        };
    })""")
    assert len(rows) == 2 and all(keys == "ct,id,iv" for keys, _ in rows)
    assert not any("Mona" in text or "Haddad" in text for _, text in rows)

    page.reload()  # still offline: the page comes from the service worker, the queue from IndexedDB
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)
    _waiting(page, 2)
    assert Migrant.objects.filter(family_name__in=["Abdel Fattah", "Haddad"]).count() == 0

    page.context.set_offline(False)
    _waiting(page, 0)
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1
    assert Migrant.objects.filter(family_name="Haddad").count() == 1
    assert IdempotencyKey.objects.count() == 2

    # The service worker covers the whole site and keeps the shell, the form and the boarding checklist's
    # empty frame, never a person's page.
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)") == f"{live_server.url}/"
    person = Migrant.objects.get(family_name="Haddad")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_detail', args=[person.pk])}")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_list')}")
    kept = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) { urls.push(new URL(request.url).pathname); }
        }
        return urls;
    }""")
    assert reverse("caseload:migrant_create") in kept
    frames = (reverse("caseload:migrant_create"), reverse("movements:boarding_offline"))
    assert all(u.startswith("/static/") or u in frames for u in kept), kept


def test_the_form_is_kept_for_offline_use_from_any_page_once_signed_in(page, login, live_server, libya):
    login(page, "staff_lby")
    page.goto(f"{live_server.url}/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    expect(page.locator("body")).to_have_attribute("data-offline-key-url", re.compile("offline-key"))
    for _ in range(50):
        if page.evaluate("sessionStorage.getItem('mcof-offline-key')"):
            break
        page.wait_for_timeout(100)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}{reverse('caseload:migrant_create')}")
    expect(page.locator("form[data-offline-queue] [name=given_name]")).to_be_visible()
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)


def test_a_connection_cut_during_the_submit_loses_nothing_and_makes_the_person_once(page, login, live_server, libya):
    url = f"{live_server.url}{reverse('caseload:migrant_create')}"
    login(page, "staff_lby")
    offline_ready(page, url)
    answered = []

    def cut_after_the_server_answered(route):
        if route.request.method != "POST":
            return route.fallback()
        answered.append(route.fetch(max_redirects=0).status)  # the server registers the person...
        return route.abort("internetdisconnected")  # ...and the answer never arrives

    page.route(re.compile(r".*/caseload/migrants/new/$"), cut_after_the_server_answered)
    _register(page, libya, "Mona", "Abdel Fattah")
    _waiting(page, 1)
    assert answered == [302]
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1

    page.unroute(re.compile(r".*/caseload/migrants/new/$"))
    page.get_by_role("button", name="Send now").click()  # the same registration, with the same key
    _waiting(page, 0)
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1


def test_a_registration_the_server_refuses_waits_with_its_error_for_correction(
    page, login, live_server, libya, axe_violations
):
    url = f"{live_server.url}{reverse('caseload:migrant_create')}"
    login(page, "staff_lby")
    offline_ready(page, url)
    page.context.set_offline(True)
    _register(page, libya, "Mona", "Abdel Fattah")
    page.locator("[name=phone]").fill("not a phone")
    _register(page, libya, "Karim", "Haddad")
    _waiting(page, 2)
    page.context.set_offline(False)
    expect(page.locator(".offline-refused")).to_have_count(1)
    _waiting(page, 1)
    item = page.locator("[data-offline-item]")
    assert "Haddad" in item.inner_text() and "Phone" in item.inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1
    item.get_by_role("button", name=re.compile("^Correct")).click()
    _waiting(page, 0)
    assert page.locator("[name=family_name]").input_value() == "Haddad"
    page.locator("[name=phone]").fill("+20 100 555 1234")
    page.locator("form[data-offline-queue] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/caseload/migrants/\d+/$"))
    assert Migrant.objects.filter(family_name="Haddad").count() == 1


def test_after_logout_the_browser_holds_nothing_of_the_application(page, login, live_server, libya):
    url = f"{live_server.url}{reverse('caseload:migrant_create')}"
    login(page, "staff_lby")
    offline_ready(page, url)
    form_url = re.compile(r".*/caseload/migrants/new/$")
    page.route(form_url, lambda r: r.abort() if r.request.method == "POST" else r.fallback())
    _register(page, libya, "Mona", "Abdel Fattah")
    _waiting(page, 1)
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == ["mcof-offline"]
    assert page.evaluate("caches.keys()")
    assert page.evaluate("sessionStorage.getItem('mcof-offline-key')")

    # The registration waiting is not deleted unawares: the first logout is asked and cancelled.
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if len(asked) > 1 else dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="Log out").click()
    for _ in range(50):
        if asked:
            break
        page.wait_for_timeout(100)
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    assert asked and "deleted from this browser" in asked[0] and "/caseload/" in page.url
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))
    assert len(asked) == 2
    expect(page.locator("html[data-offline-wiped=true]")).to_have_count(1)
    assert page.evaluate("indexedDB.databases()") == []
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("sessionStorage.getItem('mcof-offline-key')") is None
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert Migrant.objects.count() == 0
