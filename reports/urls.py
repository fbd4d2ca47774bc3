from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("exports/", views.export_index, name="exports"),
    path("exports/<str:dataset>.<str:fmt>", views.export, name="export"),
]
