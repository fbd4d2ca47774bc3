from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.pagination import keyset_page
from crises.selectors import crises_visible_to

from . import services
from .audiences import subject_visible_to
from .forms import NotificationFilterForm, StatusForm, WebhookEndpointForm
from .models import DeliveryAttempt, Notification, WebhookEndpoint
from .selectors import notifications_visible_to, webhook_endpoints_visible_to

PAGE_SIZE = 50


def _require_hq(request: HttpRequest) -> None:
    if not request.user.is_hq:
        raise PermissionDenied


# --- Delivery log --------------------------------------------------------------------------
@require_GET
def notification_list(request: HttpRequest, crisis_id: int | None = None, referral_id: int | None = None):
    """The delivery log: every notification the user may see, or those of one crisis or referral."""
    notifications = notifications_visible_to(request.user)
    scope = {}
    if crisis_id is not None:
        scope["crisis"] = get_object_or_404(crises_visible_to(request.user), pk=crisis_id)
        notifications = notifications.filter(crisis_id=crisis_id)
    if referral_id is not None:
        if not subject_visible_to(request.user, "referral", referral_id):
            raise Http404
        scope["referral_id"] = referral_id
        notifications = notifications.filter(referral_id=referral_id)
    form = NotificationFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        for field in ("status", "channel", "event_type"):
            if form.cleaned_data[field]:
                notifications = notifications.filter(**{field: form.cleaned_data[field]})
    notifications = notifications.select_related("endpoint", "government", "partner", "crisis")
    # Newest first through the (…, -created_at, -id) indexes, no COUNT over the outbox.
    rows, next_after = keyset_page(notifications, request, size=PAGE_SIZE, timestamp="created_at")
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "outbox/notification_list.html",
        {
            "notifications": rows,
            "next_after": next_after,
            "is_first_page": "after" not in request.GET,
            "form": form,
            "query": query.urlencode(),
            **scope,
        },
    )


def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(
        notifications_visible_to(request.user)
        .select_related("endpoint", "government", "partner", "crisis")
        .prefetch_related(Prefetch("attempts_log", queryset=DeliveryAttempt.objects.order_by("at", "id"))),
        pk=pk,
    )
    return render(request, "outbox/notification_detail.html", {"notification": notification})


@require_POST
def notification_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_visible_to(request.user).select_related("endpoint"), pk=pk)
    _require_hq(request)
    try:
        services.notification_resend(notification=notification, actor=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The notification is queued to be sent again."))
    return redirect("outbox:notification_detail", pk=pk)


# --- Webhook endpoints (HQ) ----------------------------------------------------------------
def webhook_list(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    endpoints = webhook_endpoints_visible_to(request.user).order_by("-created_at", "-id")
    return render(request, "outbox/webhook_list.html", {"endpoints": endpoints})


def webhook_create(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Webhook endpoint created. Give its signing secret to the receiver."))
            return redirect("outbox:webhook_detail", pk=endpoint.pk)
    return render(request, "outbox/webhook_form.html", {"form": form})


def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    endpoint = get_object_or_404(webhook_endpoints_visible_to(request.user), pk=pk)
    form = WebhookEndpointForm(
        request.POST or None,
        endpoint=endpoint,
        initial={"url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(
                endpoint=endpoint, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("outbox:webhook_detail", pk=pk)
    recent = Notification.objects.filter(endpoint=endpoint).select_related("crisis").order_by("-created_at", "-id")[:20]
    return render(
        request,
        "outbox/webhook_detail.html",
        {"endpoint": endpoint, "form": form, "status_form": StatusForm(), "recent": recent},
    )


@require_POST
def webhook_set_status(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    _require_hq(request)
    endpoint = get_object_or_404(webhook_endpoints_visible_to(request.user), pk=pk)
    if status not in (WebhookEndpoint.Status.ACTIVE, WebhookEndpoint.Status.PAUSED):
        raise PermissionDenied
    form = StatusForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.webhook_endpoint_set_status(
        endpoint=endpoint, status=status, reason=reason, actor=request.user, request=request
    )
    messages.success(request, _("Webhook endpoint status changed."))
    return redirect("outbox:webhook_detail", pk=pk)


@require_POST
def webhook_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    endpoint = get_object_or_404(webhook_endpoints_visible_to(request.user), pk=pk)
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, actor=request.user, request=request)
    messages.success(request, _("New signing secret made; the previous one keeps signing during the overlap."))
    return redirect("outbox:webhook_detail", pk=pk)


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    endpoint = get_object_or_404(webhook_endpoints_visible_to(request.user), pk=pk)
    services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
    messages.success(request, _("Webhook endpoint deleted."))
    return redirect("outbox:webhook_list")
