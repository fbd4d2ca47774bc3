from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("migrants", views.MigrantViewSet, basename="migrant")
router.register("referrals", views.ReferralViewSet, basename="referral")

urlpatterns = router.urls
