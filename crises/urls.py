from django.urls import path

from . import views

app_name = "crises"
urlpatterns = [
    path("", views.crisis_list, name="list"),
    path("register/", views.crisis_register, name="register"),
    path("approvals/", views.approvals, name="approvals"),
    path("levels/", views.policies, name="policies"),
    path("levels/<int:level>/edit/", views.policy_edit, name="policy_edit"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="decide"),
    path("<int:pk>/", views.crisis_detail, name="detail"),
    path("<int:pk>/edit/", views.crisis_edit, name="edit"),
    path("<int:pk>/propose/", views.crisis_propose, name="propose"),
    path("<int:pk>/phase/", views.crisis_phase, name="phase"),
    path("<int:pk>/figures/", views.crisis_figure, name="figure"),
    path("<int:pk>/extend-level/", views.crisis_extend, name="extend"),
]
