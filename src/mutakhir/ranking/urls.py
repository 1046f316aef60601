from django.urls import path

from . import views

app_name = "ranking"
urlpatterns = [
    path("", views.index, name="index"),
    path("models/upload/", views.upload, name="upload"),
    path("fit/", views.fit_upload, name="fit_upload"),
    path("fit/surveys/<int:pk>/", views.fit_settings, name="fit_settings"),
    path("fit/jobs/<int:pk>/", views.fit_job, name="fit_job"),
    path("runs/start/", views.start, name="start"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/movers/", views.movers, name="movers"),
    path("runs/<int:pk>/movers.csv", views.movers_csv, name="movers_csv"),
    path("runs/<int:pk>/cutpoints.json", views.cutpoints_publish, name="cutpoints_publish"),
    path("cutpoints/import/", views.cutpoints_import, name="cutpoints_import"),
]
