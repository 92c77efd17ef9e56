"""The customer's survey pages: no login, a personal link per respondent."""

from django.urls import URLPattern, URLResolver

app_name = "survey_public"
urlpatterns: list[URLPattern | URLResolver] = []
