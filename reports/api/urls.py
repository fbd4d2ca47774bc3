from django.urls import path

from . import views

urlpatterns = [
    path("exports/<str:dataset>/", views.ExportView.as_view(), name="reports-export"),
    path("dashboard/", views.DashboardView.as_view(), name="reports-dashboard"),
]
