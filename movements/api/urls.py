from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("movements", views.MovementViewSet, basename="movement")

urlpatterns = router.urls
