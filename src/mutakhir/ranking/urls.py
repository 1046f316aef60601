from django.urls import path

from . import views

app_name = "ranking"
urlpatterns = [
    path("", views.index, name="index"),
    path("models/upload/", views.upload, name="upload"),
    path("runs/start/", views.start, name="start"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/movers/", views.movers, name="movers"),
    path("runs/<int:pk>/movers.csv", views.movers_csv, name="movers_csv"),
]
