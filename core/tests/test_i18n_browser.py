"""Arabic, in a real chromium: every main page reads from the right, shows no English left untranslated,
is axe-core clean (nothing serious or critical) and lays its tables, records and figures out as an
Arabic reader expects. Screenshots of the caseload list and of a migrant page go to var/screenshots/."""

import re
from pathlib import Path
from pprint import pformat

import polib
import pytest
from django.core.management import call_command

from tests.test_pages import PAGES, movement_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[\w.]*\}")

# Every text a person sees or hears: the text of each element, and the labels given as attributes.
# Values that are not in Arabic by design are left out: what sits in a <bdi> or <code> (figures,
# codes, case references), and what declares another language (the switcher's "English", "Français").
VISIBLE_TEXTS = """() => {
  const other = (el) => { const l = el.closest('[lang]'); return l && !l.lang.startsWith('ar'); };
  const clean = (t) => t.replace(/\\s+/g, ' ').trim();
  const out = new Set([clean(document.title)]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent.closest('script, style, bdi, code, template') || other(parent)) continue;
    const t = clean(walker.currentNode.textContent);
    if (t) out.add(t);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('script, style, template') || other(el)) continue;
    if (el.matches('h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,label,legend,button,a,option,summary,caption,small')) {
      const copy = el.cloneNode(true);
      copy.querySelectorAll('bdi, code').forEach((n) => n.replaceWith('0'));
      const t = clean(copy.textContent);
      if (t) out.add(t);
    }
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(name);
      if (v) out.add(clean(v));
    }
    if (el.matches('input[type=submit], input[type=button]') && el.value) out.add(clean(el.value));
  }
  return [...out];
}"""


def english_patterns() -> list[re.Pattern]:
    """Each English source text the Arabic catalog translates, as a pattern of a whole text: its
    placeholders match a short value, its markup is dropped, its spacing is folded."""
    po = polib.pofile(str(ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    patterns = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        translations = set(entry.msgstr_plural.values()) if entry.msgid_plural else {entry.msgstr}
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            text = " ".join(re.sub(r"<[^>]+>", "", source).split())
            if text in translations or len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", text))) < 3:
                continue  # the same in Arabic (MCOF, URL) or no words to speak of
            # A value stands for a placeholder: a figure, a code, a name of up to five words.
            parts = [re.escape(part.strip()) for part in PLACEHOLDER.split(text)]
            patterns.append(re.compile(r"\s*\S+(?: \S+){0,4}?\s*".join(parts)))
    return patterns


def untranslated(texts: list[str], patterns: list[re.Pattern]) -> list[str]:
    return sorted({t for t in texts for p in patterns if p.fullmatch(t)})


def switch_to_arabic(page) -> None:
    """Through the language switcher in the header, as a person would."""
    option = page.locator("#language-select option[value=ar]")
    assert option.inner_text() == "العربية"
    page.locator("#language-select").select_option("ar")
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_function("document.documentElement.lang === 'ar'")


def main_pages(username: str) -> list[str]:
    from caseload.models import Migrant, Referral
    from crises.models import Crisis

    paths = list(PAGES[username])
    if username in ("hq", "staff_lby"):
        crisis = Crisis.objects.filter(office__code="lby").order_by("pk").first()
        migrant = Migrant.objects.filter(office__code="lby", referrals__isnull=False).order_by("pk").first()
        referral = Referral.objects.filter(office__code="lby").order_by("pk").first()
        paths += [f"/crises/{crisis.pk}/", f"/sectors/crises/{crisis.pk}/"]
        paths += [f"/caseload/migrants/{migrant.pk}/", f"/caseload/referrals/{referral.pk}/", "/reports/exports/"]
    if username == "staff_lby":
        paths += movement_pages()
    return paths


def test_every_main_page_in_arabic_reads_from_the_right_translated_and_accessible(
    page, login, live_server, axe_violations
):
    call_command("seed_demo", verbosity=0)
    patterns = english_patterns()
    wrong_direction, english, findings = {}, {}, {}
    for username in PAGES:
        login(page, username)
        switch_to_arabic(page)
        for path in main_pages(username):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path)
            html_attrs = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
            if html_attrs != ["ar", "rtl"]:
                wrong_direction[(username, path)] = html_attrs
            left = untranslated(page.evaluate(VISIBLE_TEXTS), patterns)
            if left:
                english[(username, path)] = left
            found = axe_violations(page)
            if found:
                findings[(username, path)] = found
        page.context.clear_cookies()
    assert wrong_direction == {}, pformat(wrong_direction)
    assert english == {}, pformat(english)
    assert findings == {}, pformat(findings)


WIDER_THAN_THE_SCREEN = """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
  [...document.body.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    const outside = r.left < -1 || r.right > window.innerWidth + 1;
    return outside && !el.closest('.table-scroll, .visually-hidden, .skip-link');
  }).slice(0, 5).map((el) => el.tagName + '.' + el.className)"""


def _x(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box["x"]


def test_caseload_and_migrant_page_are_laid_out_from_the_right(page, login, live_server):
    """At 1280 px: the brand and the first column stand on the right, the label of a record to the
    right of its value, a phone number reads left to right from its "+"; nothing scrolls sideways,
    at 1280 px or on a 390 px phone."""
    from caseload.models import Migrant

    call_command("seed_demo", verbosity=0)
    migrant = Migrant.objects.filter(office__code="lby", referrals__isnull=False).exclude(phone="").order_by("pk")[0]
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "staff_lby")
    switch_to_arabic(page)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/caseload/")
    page.screenshot(path=str(SHOTS / "caseload_list_ar.png"), full_page=True)
    assert _x(page, ".brand") > _x(page, ".header-tools")
    headers = page.locator("#migrant-table thead th")
    assert headers.first.bounding_box()["x"] > headers.last.bounding_box()["x"]
    assert page.locator("#migrant-table thead th").first.inner_text() == "المرجع"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/caseload/migrants/{migrant.pk}/")
    page.screenshot(path=str(SHOTS / "migrant_ar.png"), full_page=True)
    assert _x(page, ".record dt") > _x(page, ".record dd")
    # The first character of the phone number is drawn left of its last: "+218…" and not "…218+".
    first, last = page.evaluate(
        """() => {
          const node = [...document.querySelectorAll('.record dd bdi[dir=ltr]')]
            .find((b) => b.textContent.startsWith('+')).firstChild;
          const at = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                              return r.getBoundingClientRect().x; };
          return [at(0), at(node.length - 1)];
        }"""
    )
    assert first < last
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/caseload/", f"/caseload/migrants/{migrant.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == [], path


def test_dashboard_charts_are_mirrored_in_arabic(page, login, live_server):
    """Chart.js draws on a canvas, beyond the reach of CSS: in Arabic the category axis runs from the
    right and the value axis stands on the right."""
    call_command("seed_demo", verbosity=0)
    login(page, "hq")
    switch_to_arabic(page)
    page.goto(f"{live_server.url}/")
    page.wait_for_function("window.Chart && Object.keys(window.Chart.instances).length > 0")
    axes = page.evaluate(
        """() => Object.values(window.Chart.instances).map((c) => ({
             horizontal: c.options.indexAxis === 'y', reverse: c.scales.x.options.reverse,
             yPosition: c.scales.y.position, legendRtl: !!c.options.plugins.legend.rtl }))"""
    )
    assert axes
    assert all(a["reverse"] and a["yPosition"] == "right" and a["legendRtl"] for a in axes), axes
