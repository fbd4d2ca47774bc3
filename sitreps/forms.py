from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import add_service_errors

from .models import SECTIONS
from .services import MAX_SECTION

__all__ = ["NarrativeForm", "add_service_errors"]
HELP = _("Plain text. Lists with “- ”, **bold**, *italics* and [links](https://…) are kept; nothing else.")


class NarrativeForm(forms.Form):
    """The six sections of the narrative, in the standard order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SECTIONS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=MAX_SECTION,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=HELP,
            )
