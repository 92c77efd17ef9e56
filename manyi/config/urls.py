from django.contrib import admin
from django.urls import include, path

from manyi.common import views as common_views

from .api import api

urlpatterns = [
    path("", common_views.home, name="home"),
    path("modules/<slug:key>/", common_views.module_page, name="module"),
    path("attachments/<int:pk>/", common_views.attachment_download, name="attachment"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("manyi.accounts.urls")),
    path("customers/", include("manyi.customers.urls")),
    path("feedback/", include("manyi.feedback.urls")),
    path("complaints/", include("manyi.complaints.urls")),
    path("claims/", include("manyi.claims.urls")),
    path("property/", include("manyi.property.urls")),
    path("surveys/", include("manyi.surveys.urls")),
    path("analysis/", include("manyi.analysis.urls")),
    path("s/", include("manyi.surveys.public_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

