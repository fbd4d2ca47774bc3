from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("exports/", views.export_index, name="exports"),
    path("exports/<str:dataset>.<str:fmt>", views.export, name="export"),
    path("exports/jobs/<int:pk>/", views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", views.export_job_download, name="export_job_download"),
]
