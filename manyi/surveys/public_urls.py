"""The customer's survey pages: no login, a personal link per respondent."""

from django.urls import path

from . import views_public

app_name = "survey_public"
urlpatterns = [
    path("<str:token>/", views_public.survey_form, name="form"),
    path("<str:token>/thanks/", views_public.thanks, name="thanks"),
]
