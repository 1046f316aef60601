from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("households/", views.search, name="search"),
    path("households/<int:pk>/", views.household, name="household"),
    path("members/<int:pk>/reveal/", views.reveal, name="reveal"),
]
