"""Browser forms of the sectors app; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from partners.models import Partner

from .models import Priority

ACTIVE_CHOICES = [
    ("", _("As proposed")),
    ("yes", _("Active")),
    ("no", _("Dropped")),
]


class MatrixCellForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    citation = forms.CharField(
        label=_("Citation"), max_length=120, help_text=_("The paragraph of MC/2355 it rests on.")
    )
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}))


class PlanEntryForm(forms.Form):
    active = forms.ChoiceField(label=_("Activation"), choices=ACTIVE_CHOICES, required=False)
    priority_override = forms.ChoiceField(
        label=_("Priority set by the office"),
        choices=[("", _("As proposed"))] + list(Priority.choices),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for the priority"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the office sets a priority other than the proposed one."),
    )
    focal_point = forms.ModelChoiceField(label=_("Focal point"), queryset=User.objects.none(), required=False)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Partner.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, office_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focal_point"].queryset = User.objects.filter(
            memberships__office_id=office_id, is_active=True, role=User.Role.OFFICE
        ).order_by("last_name", "first_name", "username")
        self.fields["focal_point"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def entry_values(self) -> dict:
        data = self.cleaned_data
        return {
            "active": {"yes": True, "no": False}.get(data["active"]),
            "priority_override": data["priority_override"] or None,
            "override_reason": data["override_reason"],
            "focal_point": data["focal_point"],
            "partners": [p.code for p in data["partners"]],
        }
