from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from reports import views as reports_views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("outbox.api.urls")),
    path("", include("crises.api.urls")),
    path("", include("sectors.api.urls")),
    path("", include("caseload.api.urls")),
    path("", include("movements.api.urls")),
    path("", include("displacement.api.urls")),
    path("", include("sitreps.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("audit/", core_views.audit_log, name="audit"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("crises/", include("crises.urls")),
    path("sectors/", include("sectors.urls")),
    path("caseload/", include("caseload.urls")),
    path("movements/", include("movements.urls")),
    path("displacement/", include("displacement.urls")),
    path("sitreps/", include("sitreps.urls")),
    path("partners/", include("partners.urls")),
    # The delivery log and the webhook endpoints keep the addresses they had under the directory.
    path("partners/", include("outbox.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Any other API path answers the API's JSON error shape, not the HTML 404 page.
    re_path(r"^api/", core_views.api_not_found, name="api-not-found"),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
