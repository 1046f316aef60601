from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("file/", views.file_complaint, name="file"),
    path("follow/", views.follow_complaint, name="follow"),
    path("villages/", views.village_picker, name="villages"),
    path("<str:ticket>/", views.detail, name="detail"),
    path("<str:ticket>/reveal-nik/", views.reveal_nik, name="reveal_nik"),
    path("<str:ticket>/<slug:action>/", views.act, name="act"),
]
