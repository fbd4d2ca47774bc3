from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sites", views.SiteViewSet, basename="site")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("flow-points", views.FlowPointViewSet, basename="flow-point")

urlpatterns = router.urls
