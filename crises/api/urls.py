from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("crises", views.CrisisViewSet, basename="crisis")
router.register("escalations", views.EscalationViewSet, basename="escalation")

urlpatterns = router.urls
