"""The cycle dashboard and the district's update periods: parse, authorise, then call stages or periods."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core.numbers import small_int
from mutakhir.regions.models import Region
from mutakhir.registry.models import UpdatePeriod

from . import access
from .charts import bars
from .forms import PeriodForm
from .links import cells
from .periods import PeriodError, close_blockers, do_close_period, do_create_period, do_edit_period, do_open_period
from .stages import DESILS, STAGES, by_subdistrict, district_total, village_counts

STAGE_LABELS = {
    "registered": gettext_lazy("Registered"), "identified": gettext_lazy("Identified"),
    "prelist": gettext_lazy("On a prelist"), "verified": gettext_lazy("Verified"),
    "decree": gettext_lazy("In a decree"), "sent": gettext_lazy("Package sent"),
    "applied": gettext_lazy("Applied"), "ranked": gettext_lazy("Ranked"),
}


def _period(request, periods: list):
    """Return the period asked for (?period=ID, within the district), else the open one, else the newest."""
    pk = small_int(request.GET.get("period", ""))
    if pk is not None:
        return next((p for p in periods if p.pk == pk), None)
    return next((p for p in periods if p.status == UpdatePeriod.Status.OPEN), periods[0] if periods else None)


@login_required
def dashboard(request):
    user = request.user
    if not access.can_read_dashboard(user):
        raise PermissionDenied
    periods = list(access.periods_for(user))
    period = _period(request, periods)
    scope = Region.objects.filter(code=user.scope_prefix).first()
    subs, run, total = [], None, None
    if period is not None:
        villages, run = village_counts(user, period)
        subs = by_subdistrict(villages)
        total = district_total(subs, user.scope_prefix, scope.name if scope else user.scope_prefix)
        for row in [total, *subs, *(v for sub in subs for v in sub.villages)]:
            row.cells = cells(user, row, period)
            row.desil_counts = [row.desil[d] for d in DESILS]
    labels = {stage: str(STAGE_LABELS[stage]) for stage in STAGES}
    return render(request, "cycle/dashboard.html", {
        "period": period, "periods": periods, "subs": subs, "total": total, "run": run, "scope": scope,
        "headers": list(labels.values()), "desils": list(DESILS),
        "subs_desil": [(sub, bars([(str(d), sub.desil[d]) for d in DESILS])) for sub in subs],
        "funnel": bars([(labels[s], total.total(s)) for s in STAGES]) if total else None,
        "desil_chart": bars([(f"{_('Desil')} {d}", total.desil[d]) for d in DESILS]) if total else None,
        "can_manage": access.can_manage_periods(user),
    })


def _require_manager(user):
    if not access.can_manage_periods(user):
        raise PermissionDenied


@login_required
def period_list(request):
    _require_manager(request.user)
    periods = access.periods_for(request.user)
    return render(request, "cycle/periods.html", {
        "periods": [(p, close_blockers(p) if p.status == UpdatePeriod.Status.OPEN else []) for p in periods]})


@login_required
def period_new(request):
    _require_manager(request.user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_create_period(district=access.district_of(request.user), actor=request.user, values=form.cleaned_data)
        except PeriodError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Update period created. Open it when registration starts."))
            return redirect("cycle:periods")
    return render(request, "cycle/period_form.html", {"form": form, "period": None})


@login_required
def period_edit(request, pk):
    period = access.get_period_to_manage(request.user, pk)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            do_edit_period(period, actor=request.user, values=form.cleaned_data)
        except PeriodError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Update period saved."))
            return redirect("cycle:periods")
    return render(request, "cycle/period_form.html", {"form": form, "period": period,
                                                      "history": period.history.select_related("history_user")[:20]})


def _change(request, pk, do, done: str):
    period = access.get_period_to_manage(request.user, pk)
    try:
        do(period, actor=request.user)
    except PeriodError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("cycle:periods")


@login_required
@require_POST
def period_open(request, pk):
    return _change(request, pk, do_open_period, _("Update period opened."))


@login_required
@require_POST
def period_close(request, pk):
    return _change(request, pk, do_close_period, _("Update period closed."))
