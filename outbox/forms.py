from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Government, Partner

from .models import WebhookEndpoint

# The event types of the contract (core.events), and their families.
EVENT_TYPE_CHOICES = [
    ("crisis.", _("Every crisis event")),
    ("crisis.registered", _("Crisis registered")),
    ("crisis.updated", _("Crisis updated")),
    ("crisis.phase_changed", _("Crisis phase changed")),
    ("level.", _("Every emergency level event")),
    ("level.proposed", _("Level proposed")),
    ("level.approved", _("Level approved")),
    ("level.rejected", _("Level rejected")),
    ("level.review_due", _("Level review due")),
    ("referral.", _("Every referral event")),
    ("referral.sent", _("Referral sent")),
    ("referral.transitioned", _("Referral changed status")),
    ("referral.overdue", _("Referral overdue")),
]


class WebhookEndpointForm(forms.Form):
    government = forms.ModelChoiceField(
        label=_("Government"), queryset=Government.objects.filter(is_active=True), required=False
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Partner.objects.filter(is_active=True), required=False
    )
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=EVENT_TYPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event the organisation is entitled to."),
    )

    def __init__(self, *args, endpoint: WebhookEndpoint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if endpoint is not None:  # the owner of an endpoint does not change
            del self.fields["government"]
            del self.fields["partner"]

    def clean(self):
        data = super().clean()
        if "government" in self.fields and bool(data.get("government")) == bool(data.get("partner")):
            raise forms.ValidationError(_("Choose either a government or a partner organisation."))
        return data


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class NotificationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    event_type = forms.CharField(label=_("Event type"), required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        from .models import Notification

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), *Notification.Status.choices]
        self.fields["channel"].choices = [("", _("Any")), *Notification.Channel.choices]
