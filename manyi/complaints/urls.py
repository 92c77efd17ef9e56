from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "complaints"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.complaint_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("summary/", views.summary_page, name="summary"),
    path("summary.xlsx", views.summary_export, name="summary_xlsx"),
    path("casebook/", views.casebook, name="casebook"),
    path("new/", views.complaint_create, name="create"),
    path("new/customers/", views.customer_options, name="customer_options"),
    path("new/contacts/", views.contact_options, name="contact_options"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/steps/<slug:name>/", views.complaint_transition, name="transition"),
    path("<int:pk>/acknowledge/", views.complaint_acknowledge, name="acknowledge"),
    path("<int:pk>/legal/", views.complaint_flag_legal, name="flag_legal"),
    path("<int:pk>/reassign/", views.complaint_reassign, name="reassign"),
    path("<int:pk>/legal/opinion/", views.complaint_legal_opinion, name="legal_opinion"),
    path("<int:pk>/attachments/", views.complaint_attach, name="attach"),
    path("<int:pk>/accountability/new/", views.accountability_create, name="accountability"),
    path("accountability/<int:pk>/rectified/", views.accountability_rectified,
         name="rectified"),
]
