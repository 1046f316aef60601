from django.urls import path

from . import inbox_views, views

app_name = "registry"
urlpatterns = [
    path("households/", views.search, name="search"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/edit/", views.edit_household, name="edit"),
    path("members/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("packages/", inbox_views.inbox, name="inbox"),
    path("packages/<int:pk>/", inbox_views.package, name="package"),
    path("packages/<int:pk>/apply/", inbox_views.apply, name="apply_package"),
    path("packages/<int:pk>/refuse/", inbox_views.refuse, name="refuse_package"),
    path("packages/<int:pk>/acknowledgement/", inbox_views.acknowledgement, name="package_acknowledgement"),
]
