from django.urls import path

from . import views

app_name = "property"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/issue/", views.item_issue, name="issue"),
    path("<int:pk>/return/", views.item_return, name="return"),
    path("<int:pk>/attachments/", views.item_attach, name="attach"),
    path("<int:pk>/lend/", views.loan_create, name="lend"),
    path("<int:pk>/damage/new/", views.damage_create, name="damage_create"),
    path("loans/", views.loan_list, name="loans"),
    path("loans/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("damage/", views.damage_list, name="damage"),
    path("damage/<int:pk>/", views.damage_detail, name="damage_detail"),
    path("damage/<int:pk>/send/", views.damage_send, name="damage_send"),
    path("damage/<int:pk>/reply/", views.damage_reply, name="damage_reply"),
    path("damage/<int:pk>/attachments/", views.damage_attach, name="damage_attach"),
]
