from django.urls import path

from . import views

app_name = "sectors"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("scenarios/<slug:crisis_type>/", views.scenario, name="scenario"),
    path("matrix/<int:pk>/edit/", views.cell_edit, name="cell_edit"),
    path("crises/<int:crisis_id>/", views.plan, name="plan"),
    path("crises/<int:crisis_id>/sectors/<int:number>/", views.plan_entry, name="plan_entry"),
    path("crises/<int:crisis_id>/repropose/", views.plan_repropose, name="plan_repropose"),
]
