"""Decree pages: list and compile, detail with annex, approval (a background job), the PDF and annex downloads
(logged, with their reason), check a PDF, correction. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutakhir.core.bodylimit import body_limit
from mutakhir.core.downloads import attachment, download_with_reason
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registry.packages import PackageError

from . import access
from .annex import PDF_TABLE_MAX_ROWS, annex, summary_rows
from .dispatch import can_refresh, do_record_acknowledgement, do_refresh, do_send, outbox_path
from .forms import AcknowledgementForm, CorrectionForm, DecreeForm, DecreeSettingsForm, VerifyPdfForm
from .legal import settings_for
from .pdf import render_pdf
from .services import DecreeError, approval_jobs, do_compile_decree, do_start_approval, matching_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERIFY_MAX_BYTES = 50 * 2**20  # a decree PDF (its table stops at 2,000 rows) or its annex


def _district(user) -> str:
    return (user.region_id or "")[:4]


@login_required
def index(request):
    if not access.can_read(request.user):
        raise PermissionDenied
    form = None
    if access.can_compile(request.user):
        form = DecreeForm(request.POST or None, district=_district(request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                decree = do_compile_decree(district=_district(request.user), period=data.pop("update_period"),
                                           actor=request.user, **data)
            except DecreeError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("decrees:detail", pk=decree.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "decrees/index.html", {"decrees": access.decrees_for(request.user), "form": form})


@login_required
def detail(request, pk):
    decree = access.get_decree_for_user(request.user, pk)
    correction = None
    if decree.is_approved and access.can_compile(request.user):
        correction = CorrectionForm(request.POST or None, decree=decree)
        if request.method == "POST" and correction.is_valid():
            data = correction.cleaned_data
            chosen = decree.verifications.filter(pk__in=data.pop("verifications"))
            try:
                new = do_compile_decree(district=decree.region_id, period=decree.update_period, corrects=decree,
                                        verifications=list(chosen), actor=request.user, **data)
            except DecreeError as exc:
                correction.add_error(None, str(exc))
            else:
                return redirect("decrees:detail", pk=new.pk)
    elif request.method == "POST":
        raise PermissionDenied
    table = annex(decree) if decree.items.count() <= PDF_TABLE_MAX_ROWS else None
    if table:  # names and masked NIKs of the households
        PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, decree, fields="annex")
    return render(request, "decrees/detail.html", {
        "decree": decree, "annex": table, "summary": summary_rows(decree), "correction": correction,
        "can_approve": access.can_approve(request.user), "job": approval_jobs(decree).first(),
        "verify_form": VerifyPdfForm(), "can_send": access.can_send(request.user),
        "dispatch": getattr(decree, "dispatch", None), "ack_form": AcknowledgementForm(),
        "can_refresh": can_refresh(getattr(decree, "dispatch", None)),
    })


@login_required
@require_POST
def approve(request, pk):
    """Start the approval in the background (annex and PDF take minutes on a large district)."""
    decree = access.get_decree_to_approve(request.user, pk)
    try:
        do_start_approval(decree, actor=request.user)
    except DecreeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approval started: the annex and the PDF are being prepared."))
    return redirect("decrees:detail", pk=pk)


def _download(request, pk, what: str, content_type: str, filename: str, title: str):
    """Ask why, then send the decree file `what` ("pdf" or "annex"), logging who, which file and why."""
    decree = access.get_decree_for_user(request.user, pk)
    data = getattr(decree, what)
    if not data:
        raise Http404
    return download_with_reason(request, decree, what, lambda: attachment(bytes(data), content_type, filename),
                                title=title % {"number": decree.number}, back=reverse("decrees:detail", args=[pk]))


@login_required
def pdf(request, pk):
    return _download(request, pk, "pdf", "application/pdf", f"SK-{pk}.pdf", _("Decree %(number)s: the PDF"))


@login_required
def draft_pdf(request, pk):
    """Ask why, then send a draft's PDF preview (watermarked "DRAF") to its operator or head, before approval."""
    decree = access.get_decree_to_send(request.user, pk)
    if decree.is_approved:
        raise Http404
    return download_with_reason(request, decree, "draft_pdf",
                                lambda: attachment(render_pdf(decree, draft=True), "application/pdf",
                                                   f"SK-{pk}-draf.pdf"),
                                title=_("Decree %(number)s: the draft PDF") % {"number": decree.number},
                                back=reverse("decrees:detail", args=[pk]))


@login_required
def decree_settings(request):
    """The district operator keeps the district's standing decree text: considerations, legal bases, numbering."""
    if not access.can_compile(request.user):
        raise PermissionDenied
    form = DecreeSettingsForm(request.POST or None, instance=settings_for(_district(request.user)))
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("The decree settings were saved."))
        return redirect("decrees:settings")
    return render(request, "decrees/settings.html", {"form": form})


@login_required
def annex_file(request, pk):
    return _download(request, pk, "annex", XLSX, f"SK-{pk}-annex.xlsx", _("Decree %(number)s: the annex (XLSX)"))


@login_required
@require_POST
@body_limit(lambda: VERIFY_MAX_BYTES)
def verify(request, pk):
    decree = access.get_decree_for_user(request.user, pk)
    form = VerifyPdfForm(request.POST, request.FILES)
    matches = matching_file(decree, form.cleaned_data["file"].read()) if form.is_valid() else ""
    return render(request, "decrees/verify.html", {"decree": decree, "form": form, "matches": matches})


@login_required
@require_POST
def send(request, pk):
    """Send the approved decree's signed package to the national team."""
    decree = access.get_decree_to_send(request.user, pk)
    try:
        dispatch = do_send(decree, actor=request.user)
    except PackageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The package was sent: %(status)s.") % {"status": dispatch.get_status_display()})
    return redirect("decrees:detail", pk=pk)


@login_required
def package_file(request, pk):
    """Ask why, then send the signed package (to hand over to a national team in another installation)."""
    decree = access.get_decree_to_send(request.user, pk)
    path = outbox_path(decree)
    if not hasattr(decree, "dispatch") or not path.exists():
        raise Http404
    return download_with_reason(request, decree, "package",
                                lambda: attachment(path.read_bytes(), "application/zip", f"SK-{pk}-package.zip"),
                                title=_("Decree %(number)s: the package (.zip)") % {"number": decree.number},
                                back=reverse("decrees:detail", args=[pk]))


@login_required
@require_POST
def acknowledgement(request, pk):
    """Record the national team's answer from its acknowledgement file (installations apart)."""
    decree = access.get_decree_to_send(request.user, pk)
    form = AcknowledgementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("decrees:detail", pk=pk)
    try:
        dispatch = do_record_acknowledgement(decree, form.cleaned_data["file"].read())
    except PackageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The national team's answer was recorded: %(status)s.")
                         % {"status": dispatch.get_status_display()})
    return redirect("decrees:detail", pk=pk)


@login_required
@require_POST
def refresh_dispatch(request, pk):
    """Ask the national installation (by API) for the package's answer now."""
    decree = access.get_decree_to_send(request.user, pk)
    if not hasattr(decree, "dispatch"):
        raise Http404
    try:
        dispatch = do_refresh(decree.dispatch)
    except PackageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The national team's answer: %(status)s.")
                         % {"status": dispatch.get_status_display()})
    return redirect("decrees:detail", pk=pk)
