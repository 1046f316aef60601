from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("households/", views.search, name="search"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/edit/", views.edit_household, name="edit"),
    path("members/<int:pk>/reveal/", views.reveal, name="reveal"),
]
