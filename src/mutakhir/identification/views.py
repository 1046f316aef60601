"""Identification pages: match runs, the review queue, prelists and their downloads. Thin: parse, authorise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutakhir.core.downloads import attachment, download_with_reason
from mutakhir.core.listfilters import active_filters, by_period_and_region
from mutakhir.core.listing import export_rows, list_page, wants_export
from mutakhir.core.models import PersonalDataAccess
from mutakhir.notifications.objections import window as objection_window
from mutakhir.verification.access import can_use_odk
from mutakhir.verivali.models import CivilSync

from . import access, civil, duplicates, prelists, services
from .listing import HEADER as PRELIST_HEADER
from .listing import PrelistFilter, mark_page
from .listing import export_row as prelist_row
from .models import DuplicateCluster, MemberLink, ReviewDecision
from .review import candidate_household, compare, decision_choices, review_reasons


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request):
    user = request.user
    if not access.can_read_runs(user):
        _require(access.can_read_prelists(user))
        return redirect("identification:prelists")
    periods = access.periods_to_match(user)
    notices = {p.region_id for p in periods} if access.can_run(user) else set()
    return render(request, "identification/index.html", {
        "runs": access.runs_for(user).select_related("update_period", "job", "created_by")[:50],
        "periods": periods, "civil_notices": [n for n in map(civil.extract_notice, sorted(notices)) if n],
        "can_run": access.can_run(user),
        "to_review": services.review_queue(access.results_for(user)).count(),
        "duplicates": access.can_read_dedup(user),
    })


@login_required
@require_POST
def start_run(request):
    _require(access.can_run(request.user))
    period = access.get_period_to_match(request.user, request.POST.get("period") or 0)
    try:
        services.check_start_match(period)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:index")
    run = services.do_start_match(request.user, period)
    return redirect("identification:run", pk=run.pk)


@login_required
def run(request, pk):
    obj = access.get_run_for_user(request.user, pk)
    villages = (obj.results.values("registration__region_id", "registration__region__name", "category")
                .annotate(n=Count("pk")).order_by("registration__region_id"))
    table = {}
    for row in villages:
        entry = table.setdefault(row["registration__region_id"], {"name": row["registration__region__name"]})
        entry[row["category"]] = row["n"]
    return render(request, "identification/run.html", {
        "run": obj, "job": obj.job, "villages": table, "can_run": access.can_run(request.user),
        "civil": _civil_findings(obj),
        "reviewed_since": ReviewDecision.objects.filter(registration__update_period=obj.update_period,
                                                        decided_at__gt=obj.created_at).count(),
    })


def _civil_findings(run) -> dict | None:
    """Return the run's civil-registry check: the extract's sync, counts by status, the registrations flagged."""
    if not run.summary.get("civil_status"):
        return None
    flagged = (MemberLink.objects.filter(result__run=run, civil_status__in=["nik_mismatch", "not_found"])
               .values("result__registration__number", "result__registration__region__name", "civil_status")
               .annotate(n=Count("pk")).order_by("result__registration__number"))
    rows = {}
    for row in flagged:
        entry = rows.setdefault(row["result__registration__number"],
                                {"village": row["result__registration__region__name"]})
        entry[row["civil_status"]] = row["n"]
    sync = run.summary.get("civil_sync")
    return {"counts": run.summary["civil_status"], "rows": rows,
            "sync": CivilSync.objects.filter(pk=sync).first() if sync else None}


@login_required
def freeze(request, pk):
    """Freeze one village's prelist (its row's button), or every village's once the user has confirmed a
    summary of what that makes (a frozen prelist is final: a mistake means freezing again, as a new version)."""
    _require(access.can_run(request.user))
    obj = access.get_run_for_user(request.user, pk)
    village = request.POST.get("village", "")
    try:
        services.check_freeze(obj, village)
    except services.IdentificationError as exc:
        messages.error(request, str(exc))
        return redirect("identification:run", pk=obj.pk)
    if request.method != "POST" or not (village or request.POST.get("confirmed") == "1"):
        return render(request, "identification/freeze_confirm.html", {"run": obj,
                                                                       "summary": services.freeze_summary(obj)})
    frozen = services.do_freeze_prelists(request.user, obj, village)
    if len(frozen) == 1:
        return redirect("identification:prelist", pk=frozen[0].pk)
    return redirect("identification:prelists")


@login_required
def review_queue(request):
    _require(access.can_read_runs(request.user))
    return render(request, "identification/review_queue.html", {
        "results": services.review_queue(access.results_for(request.user))[:200],
    })


@login_required
def review(request, pk):
    _require(access.can_read_runs(request.user))
    result = access.get_result_for_user(request.user, pk)
    household = candidate_household(result)
    error = ""
    if request.method == "POST":
        _require(access.can_run(request.user))
        decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
        try:
            services.check_review(result, decision, note, household)
        except services.IdentificationError as exc:
            error = str(exc)
        else:
            services.do_review(request.user, result, decision, note, household)
            messages.success(request, ReviewDecision.Decision(decision).label)
            return redirect("identification:review_queue")
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, result.registration,
                              fields="review:members,housing")
    household_rows, member_pairs = compare(result, household)
    return render(request, "identification/review.html", {
        "result": result, "household": household, "household_rows": household_rows, "member_pairs": member_pairs,
        "decisions": result.decisions.select_related("decided_by"), "choices": decision_choices(household),
        "reasons": review_reasons(result, household) if result.review else [],
        "can_decide": access.can_run(request.user) and result.review, "error": error,
    }, status=400 if error else 200)


@login_required
def duplicates_index(request):
    user = request.user
    _require(access.can_read_dedup(user))
    clusters = duplicates.open_clusters(access.clusters_for(user))
    return render(request, "identification/duplicates.html", {
        "runs": access.dedup_runs_for(user).select_related("region", "job", "created_by")[:20],
        "districts": access.districts_to_dedup(user), "can_dedup": access.can_dedup(user),
        "clusters": clusters[:200], "open": clusters.count(),
    })


@login_required
@require_POST
def start_dedup(request):
    _require(access.can_dedup(request.user))
    region = access.get_district_to_dedup(request.user, request.POST.get("region", ""))
    try:
        duplicates.check_start_search(region)
    except duplicates.DuplicateError as exc:
        messages.error(request, str(exc))
        return redirect("identification:duplicates")
    run = duplicates.do_start_search(request.user, region)
    return redirect("identification:dedup_run", pk=run.pk)


@login_required
def dedup_run(request, pk):
    obj = access.get_dedup_run_for_user(request.user, pk)
    return render(request, "identification/dedup_run.html", {
        "run": obj, "job": obj.job, "clusters": obj.clusters.select_related("decided_by")[:500],
    })


@login_required
def cluster(request, pk):
    obj = access.get_cluster_for_user(request.user, pk)
    error = ""
    if request.method == "POST":
        _require(access.can_dedup(request.user))
        decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
        try:
            kept = duplicates.check_decide(obj, decision, request.POST.get("keep", ""), note)
            ended = duplicates.do_decide(request.user, obj, decision, kept, note)
        except duplicates.DuplicateError as exc:
            error = str(exc)
        else:
            messages.success(request, _("%(decision)s: %(n)s record(s) ended.") % {
                "decision": DuplicateCluster.Status(decision).label, "n": ended})
            return redirect("identification:duplicates")
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, obj, fields="duplicates:members")
    records = obj.records.select_related("household__region", "member").prefetch_related("household__members")
    return render(request, "identification/cluster.html", {
        "cluster": obj, "records": records, "error": error,
        "can_decide": access.can_dedup(request.user) and obj.status == DuplicateCluster.Status.OPEN,
    }, status=400 if error else 200)


@login_required
def prelist_list(request):
    """The prelists in scope, filtered, 50 a page, or as XLSX (`?export=xlsx`, a reason asked)."""
    _require(access.can_read_prelists(request.user))
    filters = PrelistFilter(request.GET, user=request.user)
    scoped = by_period_and_region(access.prelists_for(request.user), request.GET, period="update_period_id",
                                  region="region__pk")  # the cycle dashboard's links
    rows = (filters.apply(scoped).select_related("update_period", "region", "frozen_by")
            .annotate(n=Count("entries")).order_by("update_period", "region_id", "-version"))
    if wants_export(request):
        return export_rows(request, rows, name="prelist", header=PRELIST_HEADER, row=prelist_row,
                           title=_("Prelists (XLSX)"))
    page = list_page(request, rows)
    mark_page(page, rows)
    return render(request, "identification/prelists.html", {"filters": filters, "page": page,
                                                           "filtered": active_filters(request.GET)})


@login_required
def prelist(request, pk):
    obj = access.get_prelist_for_user(request.user, pk)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, obj, fields="entries")
    return render(request, "identification/prelist.html", {"prelist": obj, "rows": prelists.rows(obj),
                                                            "replaced_by": prelists.replaced_by(obj),
                                                            "odk": can_use_odk(request.user),
                                                            "objection_window": objection_window(obj)})


def _download(request, pk, ext: str, content_type: str, build):
    """Ask why, then send the prelist as `ext` (names and addresses of a village's households), logged."""
    obj = access.get_prelist_for_user(request.user, pk)
    title = _("Prelist %(village)s v%(version)s (%(format)s)") % {
        "village": obj.region.name, "version": obj.version, "format": ext.upper()}
    return download_with_reason(request, obj, ext,
                                lambda: attachment(build(obj), content_type, prelists.filename(obj, ext)),
                                title=title, back=reverse("identification:prelist", args=[pk]))


@login_required
def prelist_pdf(request, pk):
    return _download(request, pk, "pdf", "application/pdf", prelists.pdf)


@login_required
def prelist_xlsx(request, pk):
    return _download(request, pk, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     prelists.xlsx)
