from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sitreps", views.SitrepViewSet, basename="sitrep")

urlpatterns = router.urls
