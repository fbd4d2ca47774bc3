from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/crisis/<int:crisis_id>/", views.notification_list, name="crisis_notifications"),
    path("notifications/referral/<int:referral_id>/", views.notification_list, name="referral_notifications"),
    path("notifications/<int:pk>/", views.notification_detail, name="notification_detail"),
    path("notifications/<int:pk>/resend/", views.notification_resend, name="notification_resend"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/pause/", views.webhook_set_status, {"status": "paused"}, name="webhook_pause"),
    path("webhooks/<int:pk>/resume/", views.webhook_set_status, {"status": "active"}, name="webhook_resume"),
    path("webhooks/<int:pk>/rotate-secret/", views.webhook_rotate_secret, name="webhook_rotate_secret"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
