from django.urls import path

from . import views

urlpatterns = [
    path("exports/<str:dataset>/", views.ExportView.as_view(), name="reports-export"),
    path("dashboard/", views.DashboardView.as_view(), name="reports-dashboard"),
    path("export-jobs/<int:pk>/", views.ExportJobView.as_view(), name="export-job-detail"),
    path("export-jobs/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="export-job-download"),
]
