"""The citizens' side under Indonesian paths (/publik/...): its front page, the status check and complaints.

No login; each page keeps its own guards (rate limits, padded lookups: core/public.py, complaints/public.py).
The English paths these pages had first redirect here permanently (registration/urls.py, complaints/urls.py).
"""

from django.urls import path

from mutakhir.complaints import views as complaints
from mutakhir.notifications import views as notifications
from mutakhir.registration import views as registration

from .views import public_home

app_name = "publik"
urlpatterns = [
    path("", public_home, name="home"),
    path("cek-status/", registration.citizen_status, name="status"),
    path("sanggah/", complaints.file_complaint, name="complaint"),
    path("sanggah/desa/", complaints.village_picker, name="villages"),
    path("tiket/", complaints.follow_complaint, name="follow"),
    path("berhenti/", notifications.stop, name="stop"),
]
