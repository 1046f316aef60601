"""Ranking pages: model versions, runs with their progress, desil counts, movers and their CSV. Thin."""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core import jsoninput
from mutakhir.core.bodylimit import body_limit
from mutakhir.core.downloads import download_with_reason
from mutakhir.core.models import JobRun
from mutakhir.core.numbers import small_int
from mutakhir.core.spreadsheets import CsvWriter

from . import access, compare, cutpoints, services
from .forms import SURVEY_MAX_BYTES, FitForm, PublishForm, SurveyForm
from .model import ModelError
from .survey import FitError
from .validate import validate_model

PAGE = 50
MODEL_MAX_BYTES = 10 * 2**20  # a PMT model file: coefficients and code lists, a few hundred KB


class UploadForm(forms.Form):
    name = forms.SlugField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("Letters, digits and dashes; a new upload under the same name "
                                                  "becomes its next version."))
    file = forms.FileField(label=gettext_lazy("Model file (JSON)"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            data = jsoninput.loads(upload.read())
        except jsoninput.JsonInputError as exc:
            raise forms.ValidationError(_("Model file is not valid JSON: %(error)s") % {"error": exc}) from exc
        try:
            validate_model(data)
        except ModelError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request):
    user = request.user
    _require(access.can_read_runs(user))
    return render(request, "ranking/index.html", {
        "runs": access.runs_for(user).select_related("pmt_model", "created_by")[:50],
        "versions": access.models_for(user).select_related("uploaded_by")[:100],
        "jobs": JobRun.objects.visible_to(user).filter(kind=services.JOB_KIND, state__in=["queued", "running"])
        if access.can_manage(user) else [],
        "can_manage": access.can_manage(user),
        "cutpoint_sets": access.cutpoints_for(user).select_related("imported_by")[:20],
        "can_import_cutpoints": access.can_import_cutpoints(user),
    })


@login_required
@body_limit(lambda: MODEL_MAX_BYTES)
def upload(request):
    _require(access.can_manage(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.do_publish_model(form.cleaned_data["file"], name=form.cleaned_data["name"],
                                  note=form.cleaned_data["note"], actor=request.user)
        return redirect("ranking:index")
    return render(request, "ranking/upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@body_limit(lambda: SURVEY_MAX_BYTES)
def fit_upload(request):
    """Step 1 of fitting in the app: upload the survey file."""
    _require(access.can_manage(request.user))
    form = SurveyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.do_upload_survey(form.cleaned_data["file"], actor=request.user)
        except FitError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("ranking:fit_settings", pk=survey.pk)
    return render(request, "ranking/fit_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def fit_settings(request, pk):
    """Step 2: choose target, weight, region and variables among the survey's columns, and start the fit."""
    _require(access.can_manage(request.user))
    survey = get_object_or_404(access.surveys_for(request.user), pk=pk)
    form = FitForm(survey.columns, request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = services.do_start_fit(request.user, survey, form.settings())
        return redirect("ranking:fit_job", pk=job.pk)
    return render(request, "ranking/fit_settings.html", {"survey": survey, "form": form},
                  status=400 if form.errors else 200)


@login_required
def fit_job(request, pk):
    """Step 3: the fit's progress, then its cross-validation report and the form that publishes the model."""
    _require(access.can_manage(request.user))
    obj = get_object_or_404(JobRun.objects.visible_to(request.user).filter(kind=services.FIT_JOB_KIND), pk=pk)
    model = obj.result.get("model") if obj.state == JobRun.State.DONE else None
    form = PublishForm(request.POST or None, initial={"name": "pmt"})
    if request.method == "POST" and model and form.is_valid():
        version = services.do_publish_fit(obj, name=form.cleaned_data["name"], note=form.cleaned_data["note"],
                                          actor=request.user)
        messages.success(request, _("Published %(model)s: it can now rank the registry.") % {"model": version})
        return redirect("ranking:index")
    return render(request, "ranking/fit_job.html", {
        "job": obj, "model": model, "form": form, "report": _report(model) if model else None,
        "survey": access.surveys_for(request.user).filter(pk=obj.config.get("survey")).first(),
    }, status=400 if form.errors else 200)


def _report(model: dict) -> dict:
    """Return what the page shows of a fitted model: the rows used, the dropped variables, the CV errors."""
    cv = model["validation"]
    methods = {"regional": _("Regional models"), "with_areas": _("Regional models with area effects"),
               "pooled": _("One pooled model"), "boosting": _("Gradient boosting")}
    return {
        "survey": model["survey"], "folds": cv["folds"], "ridge_lambda": cv["ridge_lambda"],
        "methods": [{"label": label, "rmse": cv[key]["rmse"], "r2": cv[key]["r2"],
                     "exclusion": 100 * cv[key]["exclusion_error_40"]} for key, label in methods.items() if key in cv],
        "fallbacks": [m for m in model["models"] if m.get("uses")],
        "regions": sum(1 for m in model["models"] if m.get("level") == "region"),
        "variables": model["variables"],
    }


@login_required
@require_POST
def start(request):
    _require(access.can_manage(request.user))
    version = access.get_model_for_user(request.user, small_int(request.POST.get("pmt_model", "")))
    chosen = request.POST.get("cutpoints", "")
    points = get_object_or_404(access.cutpoints_for(request.user), pk=small_int(chosen)) if chosen else None
    try:
        job = services.do_start_ranking(request.user, version, cutpoint_set=points)
    except cutpoints.CutPointsError as exc:
        messages.error(request, str(exc))
        return redirect("ranking:index")
    return redirect("ranking:job", pk=job.pk)


@login_required
def job(request, pk):
    _require(access.can_manage(request.user))
    obj = get_object_or_404(JobRun.objects.visible_to(request.user).filter(kind=services.JOB_KIND), pk=pk)
    if obj.state == JobRun.State.DONE and obj.result.get("run"):
        return redirect("ranking:run", pk=obj.result["run"])
    return render(request, "ranking/job.html", {"job": obj})


@login_required
def run(request, pk):
    obj = access.get_run_for_user(request.user, pk)
    counts = dict(access.counts_for(request.user).filter(run=obj).values_list("desil").annotate(n=Count("pk"))
                  .order_by("desil"))
    return render(request, "ranking/run.html", {
        "run": obj, "desil": [(d, counts.get(d, 0)) for d in range(1, 11)], "total": sum(counts.values()),
        "previous": compare.previous_run(obj), "can_read_results": access.can_read_results(request.user),
        "can_publish_cutpoints": access.can_manage(request.user) and obj.pmt_model_id is not None,
        "coverage": cutpoints.coverage(),
    })


@login_required
def cutpoints_publish(request, pk):
    """Download the run's national cut-points, signed with this installation's national key."""
    _require(access.can_manage(request.user))
    obj = access.get_run_for_user(request.user, pk)
    try:
        data = cutpoints.publish(obj)
    except cutpoints.CutPointsError as exc:
        messages.error(request, str(exc))
        return redirect("ranking:run", pk=obj.pk)
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="cutpoints-run-{obj.pk}.json"'
    return response


class CutPointsForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Cut-points file (JSON, signed by the national team)"))


@login_required
def cutpoints_import(request):
    """Import the national cut-points from their signed file: the signature and the model are checked.

    The file is at most 1 MB (cutpoints.MAX_BYTES, read through core/jsoninput): the default body limit holds it."""
    _require(access.can_import_cutpoints(request.user))
    form = CutPointsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = cutpoints.import_cutpoints(form.cleaned_data["file"].read(), actor=request.user)
        except cutpoints.CutPointsError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Imported %(cutpoints)s: runs of this model can now use national desil.")
                             % {"cutpoints": imported})
            return redirect("ranking:index")
    return render(request, "ranking/cutpoints_import.html", {"form": form}, status=400 if form.errors else 200)


def _comparison(request, pk):
    _require(access.can_read_results(request.user))
    new = access.get_run_for_user(request.user, pk)
    other = request.GET.get("with")
    old = access.get_run_for_user(request.user, other) if other else compare.previous_run(new)
    if old is None:
        return new, None, None
    direction = request.GET.get("direction", "")
    return new, old, compare.movers(access.results_for(request.user).filter(run=new), old, direction)


@login_required
def movers(request, pk):
    new, old, moved = _comparison(request, pk)
    page = Paginator(moved, PAGE).get_page(request.GET.get("page")) if old else None
    return render(request, "ranking/movers.html", {
        "run": new, "old": old, "page": page, "direction": request.GET.get("direction", ""),
        "moves": compare.explain_moves(list(page), new, old) if page else [],
    })


class _Echo:
    def write(self, value):
        return value


@login_required
def movers_csv(request, pk):
    """Ask why, then stream the movers between two runs (the households the user may see) as CSV; logged."""
    new, old, moved = _comparison(request, pk)
    if old is None:
        raise Http404
    title = _("Who moved from run #%(old)s to run #%(new)s (CSV)") % {"old": old.pk, "new": new.pk}
    back = f"{reverse('ranking:movers', args=[new.pk])}?{request.GET.urlencode()}"  # the same runs and direction
    return download_with_reason(request, new, f"movers:{old.pk}", lambda: _movers_file(new, old, moved),
                                title=title, back=back)


def _movers_file(new, old, moved) -> StreamingHttpResponse:
    """Stream the CSV row by row: a national comparison holds millions of households."""
    writer = CsvWriter(_Echo())
    rows = (writer.writerow(compare.csv_row(m)) for m in compare.iter_moves(moved, new, old))
    response = StreamingHttpResponse(
        (line for part in ([writer.writerow(compare.csv_header())], rows) for line in part), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ranking-{new.pk}-vs-{old.pk}-movers.csv"'
    return response
