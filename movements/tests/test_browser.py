"""The convoy to Ras Ajdir at the gate, in a real browser: staff_lby bulk-adds the Bangladeshis from a
caseload filter, marks one unfit, locks the manifest (refused until a missing travel document is
recorded), boards three, marks one no-show, records the departure and the arrival; the transport
referrals of the boarded are completed; gov_bgd then sees the arrived movement and its minimised
manifest. Every page passes axe-core and has no sideways scroll at 390 px."""

import os
import re

import pytest
from django.core.management import call_command

from caseload.models import Migrant, Referral
from movements.demo import CONVOY
from movements.models import Movement, Passenger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check(page, axe_violations, *, phone: bool = False) -> None:
    assert axe_violations(page) == []
    if phone:
        assert no_sideways_scroll(page), page.url


def shot(page, name: str) -> None:
    """A screenshot to look at, where SCREENSHOT_DIR names a folder."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))


def test_the_convoy_from_the_manifest_to_the_arrival(page, login, live_server, axe_violations):
    call_command("seed_demo", verbosity=0)
    convoy = Movement.objects.get(service_number=CONVOY)
    login(page, "staff_lby")
    page.goto(f"{live_server.url}/movements/")
    check(page, axe_violations)
    page.get_by_role("link", name=convoy.reference).click()
    page.wait_for_url(re.compile(rf"/movements/{convoy.pk}/$"))
    check(page, axe_violations)

    # Bulk add from the caseload filter, with the preview first.
    page.get_by_role("button", name="Add passengers").click()
    check(page, axe_violations)
    page.get_by_label("Nationality").select_option("BGD")
    page.get_by_label("Referral kind").select_option("transport")
    page.get_by_label("Referral status").select_option("acknowledged")
    page.get_by_role("button", name="Preview").click()
    expected = (
        Migrant.objects.filter(
            crisis=convoy.crisis, nationality="BGD", referrals__kind="transport", referrals__status="acknowledged"
        )
        .distinct()
        .count()
    )
    assert expected >= 18  # the convoy's Bangladeshis, and any other of the caseload the filter finds
    assert page.locator("#preview-added tbody tr").count() == expected
    check(page, axe_violations)
    page.locator("#confirm-add").click()
    page.wait_for_url(re.compile(rf"/movements/{convoy.pk}/$"))
    assert page.locator('[data-count="booked"]').inner_text() == str(expected)

    # One passenger is unfit to travel.
    unfit = Passenger.objects.filter(movement=convoy).exclude(migrant__family_name="Miah").order_by("order")[0]
    page.locator(f'tr[data-passenger="{unfit.pk}"] a').click()
    check(page, axe_violations)
    page.get_by_label("Fit to travel", exact=True).select_option("unfit")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/movements/{convoy.pk}/$"))
    assert page.locator(f'tr[data-passenger="{unfit.pk}"] [data-fitness]').inner_text() == "Unfit to travel"

    # Locking is refused while Shahid Miah has no travel document; the error names him.
    page.get_by_role("button", name="Lock the manifest and start boarding").click()
    assert "Shahid Miah" in page.locator(".message-error").inner_text()
    assert Movement.objects.get(pk=convoy.pk).status == "planned"
    missing = list(Passenger.objects.filter(movement=convoy, document_number=""))
    assert "Shahid" in {p.migrant.given_name for p in missing}
    for number, passenger in enumerate(missing):
        page.locator(f'tr[data-passenger="{passenger.pk}"] a').click()
        page.get_by_label("Travel document", exact=True).select_option("etd")
        page.get_by_label("Travel document number").fill(f"ETD-BGD-2011-{number:04d}")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(rf"/movements/{convoy.pk}/$"))
    page.get_by_role("button", name="Lock the manifest and start boarding").click()
    assert page.locator("#movement-status").inner_text() == "Boarding"

    # At the gate, on a phone: three board, one does not come.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Boarding checklist").click()
    check(page, axe_violations, phone=True)
    shot(page, "boarding-390")
    boarders = list(
        Passenger.objects.filter(movement=convoy).exclude(pk=unfit.pk).order_by("order").select_related("migrant")[:4]
    )
    for passenger in boarders[:3]:
        search = page.get_by_label("Name or document number")
        search.fill(passenger.document_number)
        row = page.locator(f"#gate-{passenger.pk}")
        assert row.is_visible()
        row.get_by_role("button", name=re.compile("^Boarded")).click()
        page.locator(f'#gate-{passenger.pk} [data-boarding="boarded"]').wait_for()
    page.get_by_label("Name or document number").fill("")
    no_show = boarders[3]
    page.locator(f"#gate-{no_show.pk}").get_by_role("button", name=re.compile("^No-show")).click()
    page.locator(f'#gate-{no_show.pk} [data-boarding="no_show"]').wait_for()
    assert page.locator('#gate-counts [data-count="boarded"]').inner_text() == "3"
    # The unfit passenger cannot board.
    page.locator(f"#gate-{unfit.pk}").get_by_role("button", name=re.compile("^Boarded")).click()
    assert "unfit" in page.locator(f"#gate-{unfit.pk} .field-error").inner_text()
    check(page, axe_violations, phone=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/movements/{convoy.pk}/")
    page.get_by_role("button", name="Record the departure").click()
    assert page.locator("#movement-status").inner_text() == "Departed"
    page.get_by_role("button", name="Record the arrival").click()
    assert page.locator("#movement-status").inner_text() == "Arrived"
    check(page, axe_violations)
    shot(page, "detail-1280")
    boarded = [p.migrant_id for p in boarders[:3]]
    statuses = set(Referral.objects.filter(migrant_id__in=boarded, kind="transport").values_list("status", flat=True))
    assert statuses == {"completed"}
    others = Referral.objects.filter(migrant__passages__movement=convoy, kind="transport").exclude(
        migrant_id__in=boarded
    )
    assert set(others.values_list("status", flat=True)) == {"acknowledged"}
    _logout(page)

    # Bangladesh sees the arrived movement and its minimised manifest.
    login(page, "gov_bgd")
    page.goto(f"{live_server.url}/movements/")
    check(page, axe_violations)
    page.get_by_role("link", name=convoy.reference).click()
    check(page, axe_violations)
    assert page.locator("#movement-status").inner_text() == "Arrived"
    assert page.locator("#manifest-table tbody tr").count() == 3
    page.locator('[data-version="government"]').get_by_role("link", name="printable page").click()
    check(page, axe_violations)
    text = page.locator("table").inner_text()
    for passenger in boarders[:3]:
        assert passenger.migrant.family_name in text and passenger.document_number in text
    assert "HH-BGD" not in text and "Unfit" not in text
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    shot(page, "government-manifest-390")


def test_a_long_manifest_is_read_a_page_at_a_time(page, login, live_server, axe_violations, monkeypatch):
    from accounts.models import User
    from movements import services, views

    monkeypatch.setattr(views, "MANIFEST_PAGE_SIZE", 2)
    call_command("seed_demo", verbosity=0)
    convoy = Movement.objects.get(service_number=CONVOY)
    staff = User.objects.get(username="staff_lby")
    people = Migrant.objects.filter(crisis_id=convoy.crisis_id, pseudonymised_at__isnull=True).order_by("pk")[:5]
    plan = services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=list(people))
    assert len(plan.added) >= 3
    login(page, "staff_lby")
    page.goto(f"{live_server.url}/movements/{convoy.pk}/")
    check(page, axe_violations)
    assert page.locator("#manifest-table tbody tr").count() == 2
    assert page.locator('[data-count="booked"]').inner_text() == str(len(plan.added))
    # The next page by keyboard.
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?page=2"))
    assert page.get_by_text("Page 2 of").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, axe_violations, phone=True)
