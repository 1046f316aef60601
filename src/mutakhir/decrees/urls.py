from django.urls import path

from . import views

app_name = "decrees"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.decree_settings, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/draft-pdf/", views.draft_pdf, name="draft_pdf"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/annex/", views.annex_file, name="annex"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/package/", views.package_file, name="package"),
    path("<int:pk>/acknowledgement/", views.acknowledgement, name="acknowledgement"),
    path("<int:pk>/package/refresh/", views.refresh_dispatch, name="refresh_dispatch"),
]
