"""Decree pages: list and compile, detail with annex, approve, PDF, check a PDF, correction. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access
from .annex import PDF_TABLE_MAX_ROWS, annex, summary_rows
from .forms import CorrectionForm, DecreeForm, VerifyPdfForm
from .services import DecreeError, do_approve_decree, do_compile_decree, matching_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return render(request, "decrees/detail.html", {
        "decree": decree, "annex": annex(decree) if decree.items.count() <= PDF_TABLE_MAX_ROWS else None,
        "summary": summary_rows(decree), "can_approve": access.can_approve(request.user),
        "correction": correction, "verify_form": VerifyPdfForm(),
    })


@login_required
@require_POST
def approve(request, pk):
    decree = access.get_decree_to_approve(request.user, pk)
    try:
        do_approve_decree(decree, actor=request.user)
    except DecreeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decree approved; its PDF is ready."))
    return redirect("decrees:detail", pk=pk)


@login_required
def pdf(request, pk):
    decree = access.get_decree_for_user(request.user, pk)
    if not decree.pdf:
        raise Http404
    response = HttpResponse(bytes(decree.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="SK-{decree.pk}.pdf"'
    return response


@login_required
def annex_file(request, pk):
    decree = access.get_decree_for_user(request.user, pk)
    if not decree.annex:
        raise Http404
    response = HttpResponse(bytes(decree.annex), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="SK-{decree.pk}-annex.xlsx"'
    return response


@login_required
@require_POST
def verify(request, pk):
    decree = access.get_decree_for_user(request.user, pk)
    form = VerifyPdfForm(request.POST, request.FILES)
    matches = matching_file(decree, form.cleaned_data["file"].read()) if form.is_valid() else ""
    return render(request, "decrees/verify.html", {"decree": decree, "form": form, "matches": matches})
