from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("settings/", views.district_settings, name="settings"),
    path("notice/<int:pk>/", views.notice_pdf, name="notice"),
]
