from django.urls import path

from . import views

app_name = "sitreps"
urlpatterns = [
    path("", views.sitrep_list_page, name="list"),
    path("new/", views.sitrep_create, name="create"),
    path("<int:pk>/", views.sitrep_detail, name="detail"),
    path("<int:pk>/edit/", views.sitrep_edit, name="edit"),
    path("<int:pk>/transition/", views.sitrep_transition, name="transition"),
    path("<int:pk>/export.<str:fmt>", views.sitrep_download, name="download"),
]
