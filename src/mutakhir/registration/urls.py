from django.urls import path
from django.views.generic import RedirectView

from . import channel_choice, views

app_name = "registration"
urlpatterns = [
    path("", views.registration_list, name="list"),
    path("new/", channel_choice.new_registration, name="new"),
    path("check-identity/", views.check_identity, name="check_identity"),
    path("status/", RedirectView.as_view(pattern_name="publik:status", permanent=True)),  # now /publik/cek-status/
    path("musdes/", views.musdes_new, name="musdes_new"),
    path("musdes/all/", views.musdes_list, name="musdes_list"),
    path("musdes/<int:pk>/", views.musdes_detail, name="musdes"),
    path("musdes/<int:pk>/minutes.pdf", views.musdes_minutes, name="musdes_minutes"),
    path("import/", views.import_new, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/errors.xlsx", views.import_report, name="import_report"),
    path("<str:number>/", views.registration_detail, name="detail"),
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
]
