"""ODK/KoboCollect pages: a prelist's form to download, an export to upload, each import's report. Thin views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mutakhir.core.downloads import attachment, download_with_reason
from mutakhir.core.models import JobRun
from mutakhir.identification.prelists import mark_versions

from . import access
from .forms import OdkUploadForm
from .models import SubmissionImport
from .odk_uploads import UploadRefused, do_start_import, max_bytes, report_xlsx, save_upload, too_large
from .xlsform import form_version, form_zip

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 200


def _page(request, form, status=200, error=""):
    return render(request, "verification/odk.html", {
        "form": form, "error": error, "version": form_version(), "max_mb": max_bytes() // 2**20,
        "prelists": mark_versions(access.prelists_for_odk(request.user).select_related("update_period", "region")
                                  .order_by("update_period", "region_id", "-version")[:500]),
        "imports": access.odk_imports_for(request.user).select_related("created_by")[:20],
    }, status=status)


@login_required
def odk(request):
    """The prelists' forms to download and the upload of an export (POST: start its import)."""
    if not access.can_use_odk(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, OdkUploadForm())
    if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes() + 2**20:
        # Refused before Django reads the body into a temporary file.
        return _page(request, OdkUploadForm(), 413, too_large(int(request.META["CONTENT_LENGTH"])))
    form = OdkUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, 400)
    upload = form.cleaned_data["file"]
    try:
        folder = save_upload(upload)
    except UploadRefused as exc:
        form.add_error("file", str(exc))
        return _page(request, form, 400)
    with transaction.atomic():
        job = do_start_import(request.user, folder, upload.name)
    return redirect("verification:odk_import", pk=job.pk)


@login_required
def odk_form(request, pk):
    """Ask why, then send the prelist's XLSForm with its CSV attachment (households and addresses), logged."""
    prelist = access.get_prelist_for_odk(request.user, pk)
    title = _("ODK form of prelist %(village)s v%(version)s") % {"village": prelist.region.name,
                                                                  "version": prelist.version}
    filename = f"odk-prelist-{prelist.region_id}-v{prelist.version}.zip"
    return download_with_reason(
        request, prelist, "xlsform", lambda: attachment(form_zip(prelist, form_version()), "application/zip",
                                                        filename),
        title=title, back=reverse("identification:prelist", args=[pk]))


def _result(job: JobRun) -> SubmissionImport | None:
    pk = job.result.get("import") if job.state == JobRun.State.DONE else None
    return SubmissionImport.objects.filter(pk=pk).first() if pk else None


@login_required
def odk_import(request, pk):
    """An import's progress (polled by htmx), then its refusal or its row-level report."""
    job = access.get_odk_import_for_user(request.user, pk)
    result = _result(job)
    report = Paginator(result.report if result else [], PAGE).get_page(request.GET.get("page"))
    return render(request, "verification/odk_import.html", {"job": job, "result": result, "report": report})


@login_required
def odk_report(request, pk):
    result = _result(access.get_odk_import_for_user(request.user, pk))
    if result is None:
        raise Http404
    return attachment(report_xlsx(result), XLSX, f"odk-import-{result.pk}-report.xlsx")
