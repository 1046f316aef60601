from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("", views.index, name="index"),
    path("paper/", views.blank_form, name="paper"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("entries/<int:entry_pk>/assign/", views.assign, name="assign"),
]
