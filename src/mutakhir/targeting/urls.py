from django.urls import path

from . import views

app_name = "targeting"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/new/", views.create_program, name="create_program"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("programs/<int:pk>/versions/", views.add_version, name="add_version"),
    path("programs/<int:pk>/lists/", views.build_list, name="build_list"),
    path("programs/<int:pk>/api-columns/", views.api_columns, name="api_columns"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("check/", views.check_rule, name="check_rule"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("previews/<int:pk>/", views.preview_job, name="preview_job"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/why/", views.why, name="why"),
    path("lists/<int:pk>/export.<str:fmt>", views.list_export, name="export"),
]
