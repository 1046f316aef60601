"""Selection pages: rules form with a per-village preview, commit, and the committed selections."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mutakhir.accounts.scope import filter_visible
from mutakhir.registry.models import UpdatePeriod
from mutakhir.verivali.models import Selection, SelectionItem
from mutakhir.verivali.signals import access

from . import services
from .checks import describe_checks
from .rules import SelectionRules

DEFAULTS = SelectionRules()


class RulesForm(forms.Form):
    period = forms.ModelChoiceField(UpdatePeriod.objects.none(), label=_("Update period"),
                                    empty_label=_("Choose an update period"),
                                    error_messages={"required": _("Choose the update period (district) to select "
                                                                  "households in.")})
    months = forms.IntegerField(label=_("Data older than (months; 0 = off)"), min_value=0, max_value=240,
                                initial=DEFAULTS.months)
    signals = forms.BooleanField(label=_("Flagged by an administrative signal"), required=False, initial=True)
    complaints = forms.BooleanField(label=_("A complaint asked for re-verification"), required=False, initial=True)
    jump = forms.IntegerField(label=_("Desil jump between the last two ranking runs (0 = off)"), min_value=0,
                              max_value=9, initial=DEFAULTS.jump)
    splits = forms.BooleanField(label=_("The household split at its last verification"), required=False,
                                initial=True)
    quota = forms.IntegerField(label=_("Households per village at most"), min_value=1, max_value=services.MAX_QUOTA,
                               initial=DEFAULTS.quota)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods_for(user).filter(status=UpdatePeriod.Status.OPEN)

    def rules(self) -> SelectionRules:
        return SelectionRules.from_dict({k: v for k, v in self.cleaned_data.items() if k != "period"})


def periods_for(user):
    """Return the update periods (districts) in the user's scope, for verivali readers."""
    if not access.can_read(user):
        return UpdatePeriod.objects.none()
    return filter_visible(UpdatePeriod.objects.select_related("region"), user, "region_id")


def selections_for(user):
    return Selection.objects.visible_to(user) if access.can_read(user) else Selection.objects.none()


@login_required
def index(request):
    """GET: the rules form, with the per-village preview once a period is chosen."""
    access.require(access.can_read(request.user))
    form = RulesForm(request.user, request.GET or None)
    plan, error = None, ""
    if request.GET and form.is_valid():
        try:
            services.check_rules(form.cleaned_data["period"], form.rules())
        except services.SelectionError as exc:
            error = str(exc)
        else:
            plan = services.plan(form.cleaned_data["period"], form.rules())
    return render(request, "verivali/selection.html", {
        "form": form, "plan": plan, "error": error, "can_work": access.can_work(request.user),
        "selections": selections_for(request.user).select_related("update_period", "created_by")[:30],
    }, status=400 if error else 200)


@login_required
@require_POST
def commit(request):
    access.require(access.can_work(request.user))
    form = RulesForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("verivali:selection")
    try:
        selection = services.do_commit(request.user, form.cleaned_data["period"], form.rules())
    except services.SelectionError as exc:
        messages.error(request, str(exc))
        return redirect("verivali:selection")
    return redirect("verivali:selection_detail", pk=selection.pk)


@login_required
def detail(request, pk):
    selection = get_object_or_404(selections_for(request.user).select_related("update_period", "region"), pk=pk)
    items = (SelectionItem.objects.visible_to(request.user).filter(selection=selection)
             .select_related("household", "region", "entry__prelist"))
    rows = [(item, describe_checks(item.reasons)) for item in items[:2000]]
    return render(request, "verivali/selection_detail.html", {"selection": selection, "rows": rows,
                                                              "total": items.count()})
