"""Signal pages: extracts and their import problems, the flag list with dismiss / send to re-verification."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core.bodylimit import body_limit
from mutakhir.core.privatefiles import write_private
from mutakhir.verivali.models import Agency, SignalFlag

from . import access, services

MAX_BYTES = 200 * 1024 * 1024
PAGE = 50


class UploadForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Agency"), choices=Agency.choices)
    file = forms.FileField(label=gettext_lazy("Extract (CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20})
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload the extract as a CSV file (.csv)."))
        return upload


def _save(upload) -> Path:
    return write_private(services.upload_path(), upload.chunks())


@login_required
@body_limit(lambda: MAX_BYTES)
def index(request):
    access.require(access.can_read(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.require(access.can_import(request.user))
        if form.is_valid():
            path = _save(form.cleaned_data["file"])
            try:
                signal_import = services.do_start_import(request.user, form.cleaned_data["agency"],
                                                         form.cleaned_data["file"].name, path,
                                                         access.import_region(request.user))
            except services.SignalError as exc:
                path.unlink(missing_ok=True)
                form.add_error("file", str(exc))
            else:
                return redirect("verivali:signal_import", pk=signal_import.pk)
    return render(request, "verivali/signals.html", {
        "imports": access.imports_for(request.user).select_related("region", "created_by")[:50],
        "form": form, "can_import": access.can_import(request.user),
        "open_flags": access.flags_for(request.user).filter(status=SignalFlag.Status.OPEN).count(),
    }, status=400 if form.errors else 200)


@login_required
def signal_import(request, pk):
    obj = access.get_import_for_user(request.user, pk)
    page = Paginator(obj.issues.all(), PAGE * 4).get_page(request.GET.get("page"))
    return render(request, "verivali/signal_import.html", {"import": obj, "job": obj.job, "page": page})


def _filtered(request):
    flags = access.flags_for(request.user).select_related("household", "region", "signal__signal_import")
    status = request.GET.get("status", SignalFlag.Status.OPEN)
    if status in SignalFlag.Status.values:
        flags = flags.filter(status=status)
    if request.GET.get("rule") in SignalFlag.Rule.values:
        flags = flags.filter(rule=request.GET["rule"])
    village = request.GET.get("village", "").replace(".", "")
    if village.isdigit():
        flags = flags.filter(region__pk__startswith=village)
    return flags, status


@login_required
def flags(request):
    access.require(access.can_read(request.user))
    queryset, status = _filtered(request)
    page = Paginator(queryset, PAGE).get_page(request.GET.get("page"))
    return render(request, "verivali/flags.html", {
        "page": page, "status": status, "statuses": SignalFlag.Status.choices, "rules": SignalFlag.Rule.choices,
        "rule": request.GET.get("rule", ""), "village": request.GET.get("village", ""),
        "can_work": access.can_work(request.user), "query": request.GET.urlencode(),
    })


@login_required
@require_POST
def decide(request):
    """Dismiss the ticked flags (with a reason) or send them to re-verification."""
    access.require(access.can_work(request.user))
    chosen = list(access.flags_for(request.user).filter(pk__in=[p for p in request.POST.getlist("flag")
                                                                 if p.isdigit()]))
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    if not chosen:
        messages.error(request, _("Tick at least one flag."))
    else:
        try:
            n = services.do_decide(chosen, action, note, actor=request.user)
        except services.SignalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s flag(s) changed.") % {"n": n})
    back = QueryDict(request.POST.get("next", "")).urlencode()  # re-encoded: only a query string goes back
    return redirect(reverse("verivali:flags") + (f"?{back}" if back else ""))
