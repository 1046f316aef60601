from django.urls import path

from . import sync_views, views
from .outcomes import views as outcome_views
from .selection import views as selection_views
from .signals import views as signal_views

app_name = "verivali"
urlpatterns = [
    path("", views.index, name="index"),
    path("sync/", sync_views.sync_index, name="sync_index"),
    path("sync/start/", sync_views.sync_start, name="sync_start"),
    path("sync/<int:pk>/", sync_views.sync_detail, name="sync"),
    path("sync/changes/", sync_views.change_list, name="changes"),
    path("sync/changes/<int:pk>/apply/", sync_views.change_apply, name="change_apply"),
    path("sync/changes/<int:pk>/reject/", sync_views.change_reject, name="change_reject"),
    path("sync/changes/bulk-apply/", sync_views.bulk_apply, name="bulk_apply"),
    path("signals/", signal_views.index, name="signals"),
    path("signals/<int:pk>/", signal_views.signal_import, name="signal_import"),
    path("flags/", signal_views.flags, name="flags"),
    path("flags/decide/", signal_views.decide, name="flags_decide"),
    path("selection/", selection_views.index, name="selection"),
    path("selection/commit/", selection_views.commit, name="selection_commit"),
    path("selection/<int:pk>/", selection_views.detail, name="selection_detail"),
    path("outcomes/", outcome_views.index, name="outcomes"),
    path("outcomes/<int:pk>/", outcome_views.report, name="outcome_report"),
    path("outcomes/<int:pk>/pdf/", outcome_views.report_pdf, name="outcome_pdf"),
    path("outcomes/<int:pk>/xlsx/", outcome_views.report_xlsx, name="outcome_xlsx"),
    path("outcomes/<int:pk>/sign/", outcome_views.sign, name="outcome_sign"),
]
