"""Civil-registry sync pages: syncs, their proposed changes, apply / reject / bulk-apply. Thin: parse, authorise."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mutakhir.core.bodylimit import body_limit
from mutakhir.core.numbers import small_int
from mutakhir.core.privatefiles import write_private
from mutakhir.core.redirects import next_url, redirect_next

from . import sync_access as access
from . import sync_services as services
from .models import ProposedChange

PAGE = 100


def max_extract_bytes() -> int:
    """Return the largest extract upload accepted (setting VERIVALI_EXTRACT_MAX_BYTES, default 500 MB)."""
    return getattr(settings, "VERIVALI_EXTRACT_MAX_BYTES", 500 * 2**20)


def too_large(size: int) -> str:
    return _("The extract is %(size)s; at most %(max)s is accepted. Compress members.csv into a .zip, or "
             "split the extract by district.") % {"size": filesizeformat(size),
                                                  "max": filesizeformat(max_extract_bytes())}


class ExtractForm(forms.Form):
    extract = forms.FileField(label=gettext_lazy("Extract (.zip of the dataset, or members.csv)"),
                              error_messages={"required": gettext_lazy(
                                  "Choose the civil-registry extract (a .zip, or members.csv).")})

    def clean_extract(self):
        upload = self.cleaned_data["extract"]
        if upload.size > max_extract_bytes():
            raise forms.ValidationError(too_large(upload.size))
        if not upload.name.lower().endswith((".zip", ".csv")):
            raise forms.ValidationError(_("Upload the extract as a .zip holding members.csv, or as members.csv."))
        return upload


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def sync_index(request):
    _require(access.can_read(request.user))
    return _index(request, ExtractForm())


def _index(request, form, status: int = 200):
    return render(request, "verivali/sync_index.html", {
        "syncs": access.syncs_for(request.user).select_related("job", "created_by")[:50],
        "can_decide": access.can_decide(request.user), "form": form, "max_bytes": max_extract_bytes(),
    }, status=status)


def _save_upload(upload) -> Path:
    """Keep the uploaded extract (a .zip, or members.csv alone) for the background task."""
    target, extract = services.extract_place(upload.name)
    write_private(target, upload.chunks())
    return extract


@login_required
@require_POST
@body_limit(max_extract_bytes, too_large)  # refused before the body is read into a temporary file
def sync_start(request):
    _require(access.can_decide(request.user))
    form = ExtractForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    region = access.sync_region_for(request.user)
    path = _save_upload(form.cleaned_data["extract"])
    try:
        services.check_start_sync(region, path)
    except services.SyncError as exc:
        services.discard_extract(path)
        form.add_error("extract", str(exc))
        return _index(request, form, status=400)
    sync = services.do_start_sync(request.user, region, path)
    return redirect("verivali:sync", pk=sync.pk)


@login_required
def sync_detail(request, pk):
    sync = access.get_sync_for_user(request.user, pk)
    return render(request, "verivali/sync_detail.html", {
        "sync": sync, "job": sync.job, "warnings": services.summary_messages(sync.summary),
        "kinds": ProposedChange.Kind.choices,
    })


def _filtered(request):
    """Return the user's changes narrowed by the query's sync, kind, exact and status filters, and the filters."""
    changes = access.changes_for(request.user)
    q = request.GET if request.method == "GET" else request.POST
    filters = {k: q.get(k, "") for k in ("sync", "kind", "exact", "status")}
    filters["status"] = filters["status"] or ProposedChange.Status.PROPOSED
    if small_int(filters["sync"]) is not None:
        changes = changes.filter(sync_id=small_int(filters["sync"]))
    if filters["kind"] in ProposedChange.Kind.values:
        changes = changes.filter(kind=filters["kind"])
    if filters["exact"] in ("1", "0"):
        changes = changes.filter(exact=filters["exact"] == "1")
    if filters["status"] in ProposedChange.Status.values:
        changes = changes.filter(status=filters["status"])
    return changes, filters


@login_required
def change_list(request):
    _require(access.can_read(request.user))
    changes, filters = _filtered(request)
    page = Paginator(changes.select_related("member", "household", "region"), PAGE).get_page(request.GET.get("page"))
    return render(request, "verivali/sync_changes.html", {
        "page": page, "filters": filters, "can_decide": access.can_decide(request.user),
        "kinds": ProposedChange.Kind.choices, "statuses": ProposedChange.Status.choices,
        "bulk_count": services.bulk_candidates(changes).count(),
    })


def _decided(request, change, error: str = ""):
    if request.htmx:
        return render(request, "verivali/sync_change_row.html", {
            "change": change, "can_decide": access.can_decide(request.user), "error": error},
            status=409 if error else 200)
    if error:
        messages.error(request, error)
    return redirect_next(request, "verivali:changes")


@login_required
@require_POST
def change_apply(request, pk):
    _require(access.can_decide(request.user))
    change = access.get_change_for_user(request.user, pk)
    try:
        change = services.do_apply(change, request.user)
    except services.SyncError as exc:
        change.refresh_from_db()
        return _decided(request, change, str(exc))
    return _decided(request, change)


@login_required
@require_POST
def change_reject(request, pk):
    _require(access.can_decide(request.user))
    change = access.get_change_for_user(request.user, pk)
    try:
        change = services.do_reject(change, request.user, request.POST.get("note", ""))
    except services.SyncError as exc:
        return _decided(request, change, str(exc))
    return _decided(request, change)


@login_required
@require_POST
def bulk_apply(request):
    """Apply the filtered exact changes, once the user has confirmed a summary of them (a registry change
    cannot be undone with a click)."""
    _require(access.can_decide(request.user))
    changes, filters = _filtered(request)
    if request.POST.get("confirmed") != "1":
        return render(request, "verivali/bulk_apply_confirm.html", {
            "summary": services.bulk_summary(changes), "filters": filters,
            "next": next_url(request, "verivali:changes")})
    applied, problems = services.do_bulk_apply(changes, request.user)
    messages.success(request, ngettext("%(n)d exact change applied.", "%(n)d exact changes applied.", applied)
                     % {"n": applied})
    for problem in problems[:20]:
        messages.error(request, problem)
    return redirect_next(request, "verivali:changes")
