"""Demo situation reports (docs/domain.md "Demo data"), made through the services as an office and
its approver would; idempotent (a crisis that has reports is left alone).

- Libya 2011 (Level 3): three published reports, the approval by HQ, and the fourth in draft.
- Haiti 2010: one report drafted and left unpublished past its due date, so HQ's overview lists
  it as overdue. The demo's levels are declared when the demo is loaded, so the Haiti report's due
  date is set back by a week to show it.
"""

from __future__ import annotations

import datetime

from accounts.models import User
from crises.demo import HAITI, LIBYA
from crises.models import Crisis

from . import services
from .models import Sitrep

LIBYA_HIGHLIGHTS = [
    "- Over **790,000** migrants have left Libya since February.\n- Evacuation flights from Tripoli to Cairo continue.",
    "- The Misrata ship evacuation brought **400** people to Benghazi.\n- Transit sites at Ras Ajdir are full.",
    "- Bangladeshi workers await onward flights from Djerba.\n- Egypt and Bangladesh issue consular travel documents.",
]
OVERVIEW = (
    "Fighting continues around Misrata; third-country nationals keep arriving at the Tunisian and Egyptian borders."
)
CONTACTS = "Chief of Mission, IOM Libya: com_lby@mcof.invalid"


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(username__in=["hq", "com_lby", "staff_lby", "staff_hti"])}
    made = 0
    libya = Crisis.objects.filter(name=LIBYA).first()
    if libya and not Sitrep.objects.filter(crisis=libya).exists() and "staff_lby" in users:
        staff = users["staff_lby"]
        for highlights in LIBYA_HIGHLIGHTS:
            sitrep = services.sitrep_draft(crisis=libya, actor=staff)
            services.sitrep_update(
                actor=staff,
                sitrep_id=sitrep.pk,
                sections={"highlights": highlights, "situation_overview": OVERVIEW, "contacts": CONTACTS},
            )
            approver = users["hq"] if (libya.level or 0) >= 2 else users["com_lby"]
            services.sitrep_transition(actor=staff, sitrep_id=sitrep.pk, to="submitted")
            services.sitrep_transition(actor=approver, sitrep_id=sitrep.pk, to="approved")
            services.sitrep_transition(actor=approver, sitrep_id=sitrep.pk, to="published")
            made += 1
        services.sitrep_draft(crisis=libya, actor=staff)
        made += 1
    haiti = Crisis.objects.filter(name=HAITI).first()
    if haiti and not Sitrep.objects.filter(crisis=haiti).exists() and "staff_hti" in users:
        sitrep = services.sitrep_draft(crisis=haiti, actor=users["staff_hti"])
        Sitrep.objects.filter(pk=sitrep.pk).update(due=datetime.date.today() - datetime.timedelta(days=7))
        made += 1
    if stdout:
        stdout.write(f"  situation reports: {made} made")
    return {"sitreps": made}
