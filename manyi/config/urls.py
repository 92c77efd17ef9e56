from django.contrib import admin
from django.urls import include, path

from manyi.common import views as common_views

from .api import api

urlpatterns = [
    path("", common_views.home, name="home"),
    path("modules/<slug:key>/", common_views.module_page, name="module"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("manyi.accounts.urls")),
    path("customers/", include("manyi.customers.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

