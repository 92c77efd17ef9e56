from django.urls import URLPattern, URLResolver

app_name = "property"
urlpatterns: list[URLPattern | URLResolver] = []
