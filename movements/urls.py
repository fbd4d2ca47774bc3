from django.urls import path

from . import views

app_name = "movements"
urlpatterns = [
    path("", views.movement_list, name="list"),
    path("new/", views.movement_create, name="create"),
    path("<int:pk>/", views.movement_detail, name="detail"),
    path("<int:pk>/transition/", views.movement_transition, name="transition"),
    path("<int:pk>/passengers/add/", views.passengers_add, name="passengers_add"),
    path("<int:pk>/passengers/<int:passenger_id>/", views.passenger_edit, name="passenger_edit"),
    path("<int:pk>/passengers/<int:passenger_id>/remove/", views.passenger_remove, name="passenger_remove"),
    path("boarding/offline/", views.boarding_offline, name="boarding_offline"),
    path("<int:pk>/boarding/", views.boarding, name="boarding"),
    path("<int:pk>/boarding/<int:passenger_id>/", views.boarding_mark, name="boarding_mark"),
    path("<int:pk>/manifest/<str:version>/", views.manifest_page, name="manifest"),
    path("<int:pk>/manifest/<str:version>.<str:fmt>", views.manifest_download, name="manifest_download"),
]
