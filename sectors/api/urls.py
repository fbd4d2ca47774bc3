from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sectors/matrix", views.MatrixCellViewSet, basename="matrix-cell")
router.register("sectors", views.SectorViewSet, basename="sector")

urlpatterns = [
    path("crises/<int:crisis_id>/sector-plan/", views.SectorPlanView.as_view(), name="crisis-sector-plan"),
    *router.urls,
]
