from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("governments", views.GovernmentViewSet, basename="government")
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
