"""Outcome report pages: figures per period and region, PDF and XLSX, the district head's sign-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mutakhir.core.downloads import attachment
from mutakhir.verivali.models import OutcomeSignoff, SelectionItem
from mutakhir.verivali.selection.views import periods_for, selections_for
from mutakhir.verivali.signals import access

from . import exports, services
from .figures import COUNTS, LABELS, figures


def _period(user, pk):
    return get_object_or_404(periods_for(user), pk=pk)


def _report(request, period) -> dict:
    items = SelectionItem.objects.visible_to(request.user)
    region = request.GET.get("region", "").replace(".", "")
    if region.isdigit():
        items = items.filter(region__pk__startswith=region)
    return figures(period, items)


def _signoff(period):
    return OutcomeSignoff.objects.filter(update_period=period).select_related("decree", "signed_by").first()


@login_required
def index(request):
    access.require(access.can_read(request.user))
    periods = periods_for(request.user).filter(pk__in=selections_for(request.user).values("update_period"))
    return render(request, "verivali/outcomes.html", {"periods": periods})


@login_required
def report(request, pk):
    period = _period(request.user, pk)
    return render(request, "verivali/outcome_report.html", {
        "period": period, "report": _report(request, period), "counts": COUNTS, "labels": LABELS,
        "signoff": _signoff(period), "decree": services.decree_of(period), "can_sign": access.can_sign(request.user),
        "region": request.GET.get("region", ""),
    })


@login_required
def report_pdf(request, pk):
    period = _period(request.user, pk)
    signoff = _signoff(period)
    if signoff and not request.GET.get("region"):
        return attachment(bytes(signoff.pdf), "application/pdf", exports.filename(period, "pdf"))
    return attachment(exports.pdf(_report(request, period), period, services.decree_of(period)), "application/pdf",
                     exports.filename(period, "pdf"))


@login_required
def report_xlsx(request, pk):
    period = _period(request.user, pk)
    return attachment(exports.xlsx(_report(request, period), period, services.decree_of(period)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     exports.filename(period, "xlsx"))


@login_required
@require_POST
def sign(request, pk):
    access.require(access.can_sign(request.user))
    period = _period(request.user, pk)
    try:
        services.do_signoff(request.user, period)
    except services.OutcomeError as exc:
        messages.error(request, str(exc))
    return redirect("verivali:outcome_report", pk=period.pk)
