from django.urls import path

from . import views

app_name = "identification"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/start/", views.start_run, name="start_run"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/freeze/", views.freeze, name="freeze"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("duplicates/", views.duplicates_index, name="duplicates"),
    path("duplicates/start/", views.start_dedup, name="start_dedup"),
    path("duplicates/runs/<int:pk>/", views.dedup_run, name="dedup_run"),
    path("duplicates/<int:pk>/", views.cluster, name="cluster"),
    path("prelists/", views.prelist_list, name="prelists"),
    path("prelists/<int:pk>/", views.prelist, name="prelist"),
    path("prelists/<int:pk>/pdf/", views.prelist_pdf, name="prelist_pdf"),
    path("prelists/<int:pk>/xlsx/", views.prelist_xlsx, name="prelist_xlsx"),
]
