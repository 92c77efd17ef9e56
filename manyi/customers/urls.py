from django.urls import path

from . import views, views_transfer

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("bulk/", views.customer_bulk, name="bulk"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/archive/", views.customer_archive, name="archive"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("transfer/<str:kind>/export/", views_transfer.export_download, name="export"),
    path("transfer/<str:kind>/import/", views_transfer.import_upload, name="import"),
    path("transfer/jobs/<int:pk>/", views_transfer.import_job, name="import_job"),
]
