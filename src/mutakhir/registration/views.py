"""Registration pages: thin views over access.py, services.py and imports.py (htmx partials where live)."""

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutakhir.core.bodylimit import body_limit
from mutakhir.core.downloads import attachment
from mutakhir.core.listfilters import active_filters, by_period_and_region
from mutakhir.core.listing import export_rows, list_page, wants_export
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.core.numbers import small_int
from mutakhir.identification.models import Category
from mutakhir.notifications.contacts import save_contact

from . import guard, identity
from . import receipt as receipts
from . import status as status_checks
from .access import (
    can_enter,
    can_import,
    can_read,
    channels_for,
    get_import_for_user,
    get_import_job_for_user,
    get_musdes_for_user,
    get_registration_for_user,
    import_jobs_for,
    registrations_for,
    village_in_scope,
)
from .forms import (
    IMPORT_MAX_BYTES,
    MINUTES_MAX_BYTES,
    CitizenStatusForm,
    ImportForm,
    MusdesForm,
    RegistrationForm,
    member_formset,
    too_large_message,
)
from .import_jobs import ImportRefused, check_start_import, do_start_import, save_upload
from .listing import EXPORT_HEADER, MUSDES_HEADER, MusdesFilter, RegistrationFilter, export_row, musdes_row
from .models import Channel, Musdes
from .progress import progress_of
from .services import DuplicateSuspected, check_registration, do_create_registration
from .validation import Problems, ValidationFailed, kk_problems, nik_problems, open_period_for
from .xlsx_template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def registration_list(request):
    """The registrations in scope, searched and filtered, 50 a page, or as XLSX (`?export=xlsx`, a reason asked)."""
    if not can_enter(request.user) and not registrations_for(request.user).exists():
        raise PermissionDenied
    filters = RegistrationFilter(request.GET, user=request.user)
    rows = filters.apply(_filtered(registrations_for(request.user), request.GET)).select_related("region")
    if wants_export(request):
        return export_rows(request, rows.prefetch_related("members"), name="pendaftaran", header=EXPORT_HEADER,
                           row=export_row, title=_("Registrations (XLSX)"))
    page = list_page(request, rows)
    stages = progress_of(page.object_list)
    for row in page.object_list:
        row.progress = stages[row.pk]
    return render(request, "registration/list.html", {
        "page": page, "filters": filters, "can_read": can_read(request.user), "filtered": active_filters(request.GET),
        "channels": sorted(channels_for(request.user)), "can_import": can_import(request.user)})


def _filtered(rows, params):
    """Narrow the list as the cycle dashboard's links ask: period, region prefix, channel, match category."""
    rows = by_period_and_region(rows, params, period="update_period_id", region="region__pk")
    if params.get("channel") in Channel.values:
        rows = rows.filter(channel=params["channel"])
    if params.get("category") in Category.values:
        rows = rows.filter(match_results__category=params["category"]).distinct()
    return rows


def _show_problems(form, formset, problems: Problems) -> None:
    """Put service problems on the form fields they belong to."""
    for path, texts in problems.errors.items():
        parts = path.split(".")
        target, field = (formset.forms[int(parts[1])], parts[2]) if len(parts) == 3 else (form, parts[0])
        for message in texts:
            target.add_error(field if field in target.fields else None, message)


@login_required
def registration_new(request):
    channel = request.GET.get("channel") or Channel.ACTIVE
    if channel not in channels_for(request.user):
        raise PermissionDenied
    musdes = None
    if channel == Channel.MUSDES:
        if not request.GET.get("musdes", "").isdigit():
            # A Musdes household is entered from its deliberation's page: choose or record the deliberation first.
            messages.info(request, _("Choose the village deliberation (Musdes) first, or record a new one."))
            return redirect("registration:musdes_new")
        musdes = get_musdes_for_user(request.user, small_int(request.GET["musdes"]))
    initial = {"region_code": musdes.region_id if musdes else request.user.region_id or ""}
    form = RegistrationForm(request.POST or None, initial=initial, channel=channel)
    formset = member_formset(request.POST or None)
    duplicates, warnings, status = [], {}, 200
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "members": [f.cleaned_data for f in formset.forms if f.cleaned_data]}
        try:
            clean = check_registration(request.user, data, channel=channel, musdes=musdes)
            registration = do_create_registration(request.user, clean,
                                                  confirm_duplicates=form.cleaned_data["confirm_duplicates"])
            save_contact(registration, form.cleaned_data["contact_phone"], form.cleaned_data["contact_email"])
            return redirect("registration:receipt", number=registration.number)
        except DuplicateSuspected as exc:
            guard.log_outside(request, exc.outside)
            duplicates, warnings = exc.duplicates, clean.warnings
        except guard.GuardLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationFailed as exc:
            _show_problems(form, formset, exc.problems)
            warnings = exc.problems.warnings
    return render(request, "registration/form.html", {"form": form, "formset": formset, "channel": channel,
                                                      "channel_label": Channel(channel).label, "musdes": musdes,
                                                      "duplicates": duplicates, "warnings": warnings}, status=status)


@login_required
@require_POST
def check_identity(request):
    """htmx: validate a NIK or KK as typed; offer the registry's record of that NIK when in scope.

    POST only, so the number stays out of URLs, browser history, server logs and the login redirect's `next`.
    What it offers to fill in (`identity.prefill`) is what the applicant's KTP already shows the desk, in
    the registry's spelling; each record offered is logged, and lookups are limited per user.
    """
    if not can_enter(request.user):
        raise PermissionDenied
    kind = "kk" if request.GET.get("kind") == "kk" else "nik"
    prefix = request.GET.get("prefix", "")
    value = (request.POST.get("value") or request.POST.get(f"{prefix}-{kind}", "")).strip()
    problems = Problems()
    if value:
        (kk_problems if kind == "kk" else nik_problems)(value, problems, kind)
    known, limited = None, False
    if kind == "nik" and value and not problems.errors:
        known, limited = identity.lookup(request, value)
    return render(request, "registration/_identity_check.html", {
        "prefill_json": json.dumps(identity.prefill(known)) if known else "{}", "limited": limited,
        "errors": problems.errors.get(kind, []), "warnings": problems.warnings.get(kind, []), "known": known,
        "value": value, "kind": kind, "prefix": prefix})


@login_required
def registration_detail(request, number):
    registration = get_registration_for_user(request.user, number)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, registration, fields="members")
    return render(request, "registration/detail.html", {"r": registration, "members": registration.members.all(),
                                                        "progress": progress_of([registration])[registration.pk]})


@login_required
def receipt(request, number):
    registration = get_registration_for_user(request.user, number)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, registration, fields="receipt")
    return render(request, "registration/receipt.html", {"r": registration, "head": registration.head})


@login_required
def receipt_pdf(request, number):
    """The receipt as a PDF: number, date, channel, head's name, masked NIK and KK, members, status-page QR."""
    registration = get_registration_for_user(request.user, number)
    body = receipts.render_pdf(registration, request.build_absolute_uri(reverse("publik:status")))
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, registration, fields="receipt-pdf")
    return attachment(body, "application/pdf", f"{registration.number}.pdf")


@login_required
@body_limit(lambda: MINUTES_MAX_BYTES)
def musdes_new(request):
    if Channel.MUSDES not in channels_for(request.user):
        raise PermissionDenied
    form = MusdesForm(request.POST or None, request.FILES or None,
                      initial={"region_code": request.user.region_id or ""})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["region_code"].replace(".", "")
        period = open_period_for(code) if len(code) == 10 else None
        if period is None or not village_in_scope(request.user, code):
            form.add_error("region_code", _("Unknown village code, outside your area, or no open update period."))
        else:
            musdes = form.save(commit=False)
            musdes.region_id, musdes.update_period, musdes.entered_by = code, period, request.user
            musdes._history_user = request.user
            musdes.save()
            return redirect("registration:musdes", pk=musdes.pk)
    return render(request, "registration/musdes_form.html", {"form": form,
                                                             "records": Musdes.objects.visible_to(request.user)[:20]})


@login_required
def musdes_list(request):
    """The deliberations in scope, filtered, 50 a page, or as XLSX (`?export=xlsx`, a reason asked).

    Like the registrations list it links from: readers who enter nothing see it once there is something to read.
    """
    if not can_read(request.user) or not (can_enter(request.user) or Musdes.objects.visible_to(request.user).exists()):
        raise PermissionDenied
    filters = MusdesFilter(request.GET, user=request.user)
    rows = (filters.apply(Musdes.objects.visible_to(request.user)).select_related("region")
            .annotate(proposed=Count("registrations")).order_by("-held_on", "-pk"))
    if wants_export(request):
        return export_rows(request, rows, name="musdes", header=MUSDES_HEADER, row=musdes_row,
                           title=_("Village deliberations (XLSX)"))
    return render(request, "registration/musdes_list.html", {"filters": filters, "page": list_page(request, rows)})


@login_required
def musdes_detail(request, pk):
    musdes = get_musdes_for_user(request.user, pk)
    return render(request, "registration/musdes.html", {"m": musdes,
                                                        "rows": musdes.registrations.prefetch_related("members")})


@login_required
def musdes_minutes(request, pk):
    """The Musdes minutes (berita acara), to the readers of its village only, logged: never a public media URL."""
    musdes = get_musdes_for_user(request.user, pk)
    if not musdes.minutes:
        raise Http404
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, musdes, fields="minutes")
    return FileResponse(musdes.minutes.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"musdes-{musdes.region_id}-{musdes.held_on}.pdf")


@login_required
@body_limit(lambda: IMPORT_MAX_BYTES, too_large_message)  # refused before Django reads the body
def import_new(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    period = open_period_for(request.user.region_id + "000000") if request.user.region_id else None
    if request.method == "POST" and form.is_valid():
        if period is None:
            form.add_error(None, _("There is no open update period for your district."))
        else:
            try:
                check_start_import(period)
            except ImportRefused as exc:
                form.add_error(None, str(exc))
            else:
                upload = form.cleaned_data["file"]
                job = do_start_import(request.user, period, save_upload(upload), source_name=upload.name,
                                      allow_duplicates=form.cleaned_data["allow_duplicates"])
                return redirect("registration:import_job", pk=job.pk)
    running = import_jobs_for(request.user).filter(state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING])[:10]
    return render(request, "registration/import.html", {"form": form, "period": period, "running": running})


@login_required
def import_job(request, pk):
    """Show an import job's progress (polled by htmx); once it has run, go to the import's summary."""
    job = get_import_job_for_user(request.user, pk)
    if job.state == JobRun.State.DONE and job.result.get("import"):
        return redirect("registration:import_detail", pk=job.result["import"])
    return render(request, "registration/import_job.html", {"job": job})


@login_required
def import_detail(request, pk):
    return render(request, "registration/import_detail.html", {"run": get_import_for_user(request.user, pk)})


@login_required
def import_report(request, pk):
    run = get_import_for_user(request.user, pk)
    if not run.report:
        return HttpResponse(status=404)
    return FileResponse(run.report.open("rb"), as_attachment=True, filename=f"import-{run.pk}-errors.xlsx",
                        content_type=XLSX)


@login_required
def import_template(request):
    if not can_import(request.user):
        raise PermissionDenied
    return attachment(build_template(), XLSX, "mutakhir-registrations-template.xlsx")


def citizen_status(request):
    """Public page: a citizen checks their own registration with full NIK and name (no login)."""
    form = CitizenStatusForm(request.POST or None)
    answer, status = None, 200
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        nik, name = form.cleaned_data["nik"], form.cleaned_data["name"]
        if status_checks.rate_limited(request.META.get("REMOTE_ADDR", ""), nik):
            # Refused before any lookup, so its timing tells nothing: not padded, so that a hammering
            # client does not keep the server's threads asleep (bench/load.py).
            status = 429
        else:
            answer = status_checks.lookup(nik, name)
            status_checks.padded(started)
    response = render(request, "registration/citizen_status.html", {"form": form, "answer": answer,
                                                                    "limited": status == 429}, status=status)
    response["Cache-Control"] = "no-store"
    return response
