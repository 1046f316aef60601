from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    # The citizens' pages moved under /publik/ (core/public_urls.py); their first paths redirect there.
    path("file/", RedirectView.as_view(pattern_name="publik:complaint", permanent=True)),
    path("follow/", RedirectView.as_view(pattern_name="publik:follow", permanent=True)),
    path("villages/", RedirectView.as_view(pattern_name="publik:villages", permanent=True, query_string=True)),
    path("<str:ticket>/", views.detail, name="detail"),
    path("<str:ticket>/reveal-nik/", views.reveal_nik, name="reveal_nik"),
    path("<str:ticket>/photo/", views.photo, name="photo"),  # before the actions: "photo" is no action
    path("<str:ticket>/<slug:action>/", views.act, name="act"),
]
