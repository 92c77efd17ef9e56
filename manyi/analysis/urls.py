from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/scoring/", views.campaign_scoring, name="campaign_scoring"),
    path("campaigns/<int:pk>/xlsx/<slug:chart>/", views.campaign_xlsx, name="campaign_xlsx"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/xlsx/<slug:chart>/", views.complaints_xlsx, name="complaints_xlsx"),
    path("kpi/", views.kpi, name="kpi"),
    path("kpi/xlsx/<slug:chart>/", views.kpi_xlsx, name="kpi_xlsx"),
    path("problems/", views.problems, name="problems"),
    path("problems/scan/", views.problem_scan, name="problem_scan"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/status/", views.problem_status, name="problem_status"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/approve/", views.target_approve, name="target_approve"),
    path("assets/plotly-<str:version>.min.js", views.plotly_js, name="plotly_js"),
]
