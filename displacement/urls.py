from django.urls import path

from . import views

app_name = "displacement"
urlpatterns = [
    path("crises/<int:crisis_id>/", views.crisis_overview, name="overview"),
    path("crises/<int:crisis_id>/sites/", views.site_list, name="sites"),
    path("crises/<int:crisis_id>/sites/new/", views.site_create, name="site_create"),
    path("crises/<int:crisis_id>/sites.<str:fmt>", views.sites_export, name="sites_export"),
    path("crises/<int:crisis_id>/rounds/new/", views.round_open, name="round_open"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/close/", views.site_close, name="site_close"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/transition/", views.round_transition, name="round_transition"),
    path("rounds/<int:pk>/sites/<int:site_id>/", views.assessment_edit, name="assessment"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("rounds/<int:pk>/export.<str:fmt>", views.round_export, name="round_export"),
    path("flow-points/<int:pk>/", views.flow_entry, name="flow_entry"),
    path("flow-points/<int:pk>/export.<str:fmt>", views.flows_export, name="flows_export"),
]
