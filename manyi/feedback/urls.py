from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("contact-options/", views.contact_options, name="contact_options"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.entry_edit, name="edit"),
    path("<int:pk>/answer/", views.entry_answer, name="answer"),
    path("<int:pk>/assign/", views.entry_assign, name="assign"),
    path("<int:pk>/reference/", views.entry_reference, name="reference"),
    path("<int:pk>/hand-over/", views.entry_hand_over, name="hand_over"),
    path("<int:pk>/archive/", views.entry_archive, name="archive"),
    path("<int:pk>/attachments/", views.entry_attach, name="attach"),
    path("praise/", views.praise_list, name="praise_list"),
    path("praise/new/", views.praise_create, name="praise_create"),
    path("praise/<int:pk>/", views.praise_detail, name="praise_detail"),
]
