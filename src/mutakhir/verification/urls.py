from django.urls import path

from . import odk_views, views

app_name = "verification"
urlpatterns = [
    path("", views.index, name="index"),
    path("all/", views.all_verifications, name="all"),
    path("paper/", views.blank_form, name="paper"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/photo/<slug:which>/", views.photo, name="photo"),
    path("entries/<int:entry_pk>/assign/", views.assign, name="assign"),
    path("odk/", odk_views.odk, name="odk"),
    path("odk/prelists/<int:pk>/form/", odk_views.odk_form, name="odk_form"),
    path("odk/imports/<int:pk>/", odk_views.odk_import, name="odk_import"),
    path("odk/imports/<int:pk>/report.xlsx", odk_views.odk_report, name="odk_report"),
]
