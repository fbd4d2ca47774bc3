from django.urls import path

from . import views

app_name = "caseload"
urlpatterns = [
    path("", views.migrant_list, name="migrant_list"),
    path("migrants/new/", views.migrant_create, name="migrant_create"),
    path("migrants/new/household/", views.household_create, name="household_create"),
    path("migrants/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("migrants/<int:pk>/", views.migrant_detail, name="migrant_detail"),
    path("migrants/<int:pk>/edit/", views.migrant_edit, name="migrant_edit"),
    path("migrants/<int:pk>/consent/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("migrants/<int:pk>/refer/", views.referral_create, name="referral_create"),
    path("migrants/<int:pk>/share/", views.case_share, name="case_share"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer_decide"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/transition/", views.referral_transition, name="referral_transition"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("inbox/", views.inbox, name="inbox"),
]

# Imports of migrants
from . import import_views  # noqa: E402

urlpatterns += [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_create, name="import_create"),
    path("imports/template.<str:file_format>", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
    path("imports/<int:pk>/rejected.csv", import_views.import_rejected, name="import_rejected"),
]

# Possible duplicates
from . import dedup_views  # noqa: E402

urlpatterns += [
    path("duplicates/", dedup_views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/scan/", dedup_views.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<int:pk>/", dedup_views.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<int:pk>/merge/", dedup_views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/distinct/", dedup_views.duplicate_distinct, name="duplicate_distinct"),
]
