from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "claims"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create, name="create"),
    path("costs/", views.quality_costs, name="costs"),
    path("costs/export.xlsx", views.quality_costs_export, name="costs_export"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/step/<slug:name>/", views.claim_step, name="step"),
    path("<int:pk>/rounds/", views.claim_round, name="round"),
    path("rounds/<int:pk>/answer/", views.round_answer, name="round_answer"),
    path("<int:pk>/compensation/", views.claim_compensation, name="compensation"),
    path("<int:pk>/recourse/", views.claim_recourse, name="recourse"),
    path("<int:pk>/attachments/", views.claim_attach, name="attach"),
]
