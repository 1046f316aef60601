"""Targeting pages: programs and their criteria editor, list drawing, lists with exports. Thin: parse, authorise."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core.downloads import attachment, download_with_reason
from mutakhir.core.models import JobRun
from mutakhir.core.numbers import small_int
from mutakhir.core.spreadsheets import CsvWriter
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.registry.models import Household

from . import access, dashboard, services
from .exports import pdf_bytes, xlsx_bytes
from .lists import ListError
from .models import API_COLUMNS, Entry, Unit, column_label
from .rules import RuleError, parse
from .rules.ast import to_text
from .rules.evaluate import explain

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_PK = 2**63 - 1  # a larger id overflows the database's integer
MAX_NEAR = 1000  # households just outside each region's cut-off, listed to explain it
EXPORT_FIELDS = ["household_id", "record_id", "region_code", "score", "percentile", "desil", "people", "status",
                 "change", "reason"]


class ListOptionsForm(forms.Form):
    """The list-drawing options: finite numbers in range, so a bad value is a message, not a failed job or a 500."""

    run = forms.IntegerField(label=gettext_lazy("Ranking run"), min_value=1, max_value=MAX_PK)
    previous = forms.IntegerField(label=gettext_lazy("Previous list"), min_value=1, max_value=MAX_PK, required=False)
    quotas = forms.CharField(required=False)
    grace = forms.FloatField(label=gettext_lazy("Grace band (percentile points)"), min_value=0, max_value=100,
                             required=False)
    near = forms.IntegerField(min_value=0, max_value=MAX_NEAR, required=False)

    def first_error(self) -> str:
        name, errors = next(iter(self.errors.items()))
        label = self.fields[name].label if name in self.fields else None
        return f"{label}: {errors[0]}" if label else errors[0]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request):
    user = request.user
    _require(access.can_read(user))
    return render(request, "targeting/index.html", {
        "programs": access.programs_for(user).prefetch_related("versions"),
        "lists": access.lists_for(user).select_related("version__program", "ranking_run")[:30],
        "can_manage": access.can_manage(user), "units": Unit.choices})


@login_required
@require_POST
def create_program(request):
    _require(access.can_manage(request.user))
    try:
        program = services.do_create_program(request.POST.get("name", ""), request.POST.get("rule", ""),
                                             request.POST.get("unit", Unit.HOUSEHOLD),
                                             description=request.POST.get("description", ""), actor=request.user)
    except services.TargetingError as exc:
        messages.error(request, str(exc))
        return redirect("targeting:index")
    return redirect("targeting:program", pk=program.pk)


@login_required
def program(request, pk):
    user = request.user
    obj = access.get_program_for_user(user, pk)
    return render(request, "targeting/program.html", {
        "program": obj, "versions": obj.versions.select_related("created_by"), "current": obj.current,
        "lists": access.lists_for(user).filter(version__program=obj).select_related("version", "ranking_run"),
        "runs": access.runs_for(user)[:20], "can_manage": access.can_manage(user), "units": Unit.choices,
        "api_columns": [(c, column_label(c), c in obj.api_columns) for c in API_COLUMNS],
        "jobs": access.jobs_for(user).filter(state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING],
                                             config__program=obj.pk)})


@login_required
@require_POST
def check_rule(request):
    """Return the editor's verdict on a rule (htmx partial): the error, or what it selects per district."""
    _require(access.can_manage(request.user))
    text, unit = request.POST.get("rule", ""), request.POST.get("unit", Unit.HOUSEHOLD)
    context = {"text": text}
    try:
        context["canonical"] = to_text(parse(text))
    except RuleError as exc:
        context["error"], context["column"] = exc.message, exc.column
        return render(request, "targeting/_check.html", context)
    run = access.runs_for(request.user).first()
    context["run"] = run
    if run is not None and services.preview_in_background(run):
        if request.POST.get("background"):  # asked for: typing alone never starts a national count
            context["job"] = services.do_start_preview(request.user, text, unit, run)
        else:
            context["large"] = True
    elif run is not None:
        try:
            context["preview"] = services.preview_figures(services.preview(text, unit, run), run)
        except ListError as exc:
            context["error"] = str(exc)
    return render(request, "targeting/_check.html", context)


@login_required
def preview_job(request, pk):
    """Return a background preview's progress (polled by htmx), then its figures; HTTP 286 stops the polling."""
    job = access.get_preview_job_for_user(request.user, pk)
    response = render(request, "targeting/_preview_job.html", {"job": job})
    response.status_code = 286 if job.is_finished else 200
    return response


@login_required
@require_POST
def add_version(request, pk):
    _require(access.can_manage(request.user))
    obj = access.get_program_for_user(request.user, pk)
    try:
        version = services.do_add_version(obj, request.POST.get("rule", ""), request.POST.get("unit", Unit.HOUSEHOLD),
                                          actor=request.user, note=request.POST.get("note", "")[:200])
        messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
    except services.TargetingError as exc:
        messages.error(request, str(exc))
    return redirect("targeting:program", pk=obj.pk)


@login_required
@require_POST
def build_list(request, pk):
    """Check the options and start drawing the list in the background; the job page shows its progress."""
    user = request.user
    _require(access.can_manage(user))
    obj = access.get_program_for_user(user, pk)
    form = ListOptionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("targeting:program", pk=obj.pk)
    options = form.cleaned_data
    run = access.get_run_for_user(user, options["run"])
    previous = access.get_list_for_user(user, options["previous"]) if options["previous"] else None
    grace = options["grace"] or 0.0
    near = 20 if options["near"] is None else options["near"]
    try:
        quotas = services.check_list_options(options["quotas"], grace)
        services.check_rule(obj.current.rule)
    except services.TargetingError as exc:
        messages.error(request, str(exc))
        return redirect("targeting:program", pk=obj.pk)
    job = services.do_start_list(user, obj.current, run, quotas=quotas, grace=grace, near=near, previous=previous)
    return redirect("targeting:job", pk=job.pk)


@login_required
@require_POST
def api_columns(request, pk):
    """Save the columns the program's system may pull through the API, and whether NIK/KK go out in full."""
    _require(access.can_manage(request.user))
    obj = access.get_program_for_user(request.user, pk)
    services.do_set_api_columns(obj, request.POST.getlist("columns"), bool(request.POST.get("full_identity")))
    messages.success(request, _("Saved the columns for the program system."))
    return redirect("targeting:program", pk=obj.pk)


@login_required
def job(request, pk):
    """Show a list-drawing job's progress (polled by htmx); once done, go to the list with its warnings."""
    obj = access.get_job_for_user(request.user, pk)
    if obj.state == JobRun.State.DONE and obj.result.get("list"):
        for warning in obj.result.get("warnings", []):
            messages.warning(request, warning)
        return redirect("targeting:list", pk=obj.result["list"])
    return render(request, "targeting/job.html", {"job": obj, "program": obj.config.get("program")})


def _region_summary(entries):
    """Return per-district figures of the entries a user may see."""
    rows = (entries.annotate(district=Substr("region_code", 1, 4)).values("district")
            .annotate(households=Count("household_id", distinct=True,
                                       filter=Q(status__in=[Entry.Status.SELECTED, Entry.Status.GRACE])),
                      people=Sum("people", filter=Q(status__in=[Entry.Status.SELECTED, Entry.Status.GRACE])),
                      grace=Count("pk", filter=Q(status=Entry.Status.GRACE)),
                      entered=Count("pk", filter=Q(change="entered")), exited=Count("pk", filter=Q(change="exited")))
            .order_by("district"))
    return [{**r, "region": r["district"], "people": r["people"] or 0} for r in rows]


@login_required
def list_detail(request, pk):
    user = request.user
    blist = access.get_list_for_user(user, pk)
    entries = access.entries_for(user, blist)
    status = request.GET.get("status", Entry.Status.SELECTED)
    return render(request, "targeting/list.html", {
        "list": blist, "regions": _region_summary(entries), "status": status, "statuses": Entry.Status.choices,
        "entries": entries.filter(status=status)[:200], "shown": entries.filter(status=status).count()})


@login_required
def list_export(request, pk, fmt):
    """Ask why, then send the list (the entries the user may see) as CSV or XLSX, or its PDF summary; logged."""
    blist = access.get_list_for_user(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    title = _("Beneficiary list #%(pk)s (%(format)s)") % {"pk": blist.pk, "format": fmt.upper()}
    return download_with_reason(
        request, blist, fmt,
        lambda: attachment(_export(request.user, blist, fmt), EXPORT_FORMATS[fmt], f"list-{blist.pk}.{fmt}"),
        title=title, back=reverse("targeting:list", args=[pk]))


def _export(user, blist, fmt: str):
    """Return the file's content: the PDF summary by region, or the entries as CSV or XLSX (formula-safe)."""
    entries = access.entries_for(user, blist)
    if fmt == "pdf":
        regions = _region_summary(entries)
        summary = {"regions": regions, "warnings": [], **{k: sum(r[k] for r in regions)
                                                          for k in ("households", "people", "entered", "exited")}}
        return pdf_bytes(summary, str(blist))
    rows = entries.values_list(*EXPORT_FIELDS).iterator()
    if fmt == "xlsx":
        return xlsx_bytes(EXPORT_FIELDS, rows)
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(EXPORT_FIELDS)
    writer.writerows(rows)
    return buffer.getvalue()


@login_required
def why(request, pk):
    """Explain one household of the list's ranking run against the criteria (htmx partial)."""
    user = request.user
    blist = access.get_list_for_user(user, pk)
    ranked = RankingResult.objects.filter(run=blist.ranking_run).values("household_id")
    household = get_object_or_404(Household.objects.visible_to(user).filter(household_id__in=ranked),
                                  household_id=request.GET.get("household", ""))
    result = RankingResult.objects.filter(run=blist.ranking_run, household_id=household.household_id).first()
    members = [services.member_facts(m) for m in household.members.active()]
    facts = services.household_facts(household, result, len(members))
    verdict = explain(parse(blist.version.rule), facts, members)
    return render(request, "targeting/_why.html", {"household": household, "verdict": verdict})


def _dashboard_run(request):
    runs = RankingResult.objects.visible_to(request.user).values("run")
    run = RankingRun.objects.filter(pk__in=runs).order_by("-created_at").first()
    if request.GET.get("run"):
        run = get_object_or_404(RankingRun.objects.filter(pk__in=runs), pk=small_int(request.GET["run"]))
    return run


@login_required
def dashboard_page(request):
    """Households and people by desil, and program coverage of the estimated poor, in the user's region."""
    _require(access.can_read(request.user))
    run = _dashboard_run(request)
    desils = dashboard.desil_figures(request.user, run) if run else []
    return render(request, "targeting/dashboard.html", {
        "run": run, "desils": desils, "coverage": dashboard.coverage(request.user, run) if run else [],
        "household_bars": dashboard.bars([(str(r["desil"]), r["households"]) for r in desils]),
        "people_bars": dashboard.bars([(str(r["desil"]), r["people"]) for r in desils]),
        "chart_height": dashboard.CHART_HEIGHT, "chart_width": 10 * (dashboard.BAR_WIDTH + 8) + 8,
        "bar_width": dashboard.BAR_WIDTH, "poor_desil": dashboard.POOR_DESIL})


@login_required
def dashboard_csv(request):
    _require(access.can_read(request.user))
    run = _dashboard_run(request)
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow([_("figure"), _("key"), _("households"), _("people"), _("listed"), _("poor listed"),
                     _("poor (desil 1–4)"), _("coverage (%)")])
    if run:
        for r in dashboard.desil_figures(request.user, run):
            writer.writerow(["desil", r["desil"], r["households"], r["people"], "", "", "", ""])
        for r in dashboard.coverage(request.user, run):
            writer.writerow([_("coverage"), r["program"], "", "", r["listed"], r["poor_covered"], r["poor"],
                             r["coverage"]])
    return attachment(buffer.getvalue(), EXPORT_FORMATS["csv"], "targeting-figures.csv")
