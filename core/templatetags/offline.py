"""What the pages' offline script (static/js/offline.js) needs from the server: its strings in the
page's language and the idle timeout after which it wipes what it kept."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# One count of each plural form of the site's languages (Arabic has six): the script picks the
# string of the sample whose form (Intl.PluralRules) is that of the number it shows.
PLURAL_SAMPLES = (0, 1, 2, 3, 11, 100, 1000000)


@register.simple_tag
def offline_idle_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def _samples(text) -> list:
    return [[n, text(n)] for n in PLURAL_SAMPLES]


@register.simple_tag
def offline_strings() -> dict:
    return {
        "waiting": _samples(
            lambda n: ngettext(
                "%(count)s registration waiting to be sent", "%(count)s registrations waiting to be sent", n
            )
        ),
        "kept": _(
            "No connection: this registration is kept in this browser, encrypted, and will be sent "
            "when the connection returns."
        ),
        "sending": _("Sending…"),
        "sent": _("Every registration kept in this browser has been sent."),
        "waiting_item": _("Waiting"),
        "refused": _("Refused: correct it, then register it again."),
        "correct": _("Correct"),
        "remove": _("Remove"),
        "no_key": _(
            "This page was opened with no connection and cannot keep a registration: open it once with a connection."
        ),
        "signed_out": _("Your session has ended: sign in again."),
        "unnamed": _("(no name)"),
        # The boarding checklist (the marks at the gate).
        "marks_waiting": _samples(
            lambda n: ngettext(
                "%(count)s boarding mark waiting to be sent", "%(count)s boarding marks waiting to be sent", n
            )
        ),
        # The marks at the gate, named as movements.models.BoardingStatus names them.
        "marks": {
            "booked": _("Booked"),
            "boarded": _("Boarded"),
            "no_show": _("No-show"),
            "offloaded": _("Offloaded"),
            "received": _("Received"),
        },
        "mark_waiting": _("waiting to be sent"),
        "mark_refused": _("refused:"),
        "mark_kept": _(
            "No connection: this mark is kept in this browser, encrypted, and will be sent when the connection returns."
        ),
        "marks_sent": _("Every boarding mark kept in this browser has been sent."),
        "marks_refused": _("A boarding mark was refused: its row says why."),
        "boarding_missing": _(
            "This boarding checklist was not opened with a connection since you signed in: "
            "open it once with a connection."
        ),
    }
