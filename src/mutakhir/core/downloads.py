"""One way for personal data to leave the app as a file: the user says why, the access log keeps who, what and why.

Every web export (beneficiary lists, prelists, ranking movers, decrees) goes through `download_with_reason`,
so no view can send such a file without a reason in the log (UU 27/2022 PDP).
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render

from .forms import ExportReasonForm
from .models import PersonalDataAccess


def download_with_reason(request, obj, fields: str, send: Callable[[], HttpResponse], *, title: str,
                         back: str) -> HttpResponse:
    """Ask why (GET, or a POST without a valid reason), else log the export of `fields` of `obj` and send the file.

    `title` names the file on the form page, `back` is the page the form links back to. `send` builds the
    response only once the reason is logged, so a refused request costs no export work.
    """
    form = ExportReasonForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "core/export_reason.html", {"form": form, "title": title, "back": back},
                      status=400 if form.is_bound else 200)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.EXPORT, obj, fields=fields,
                              reason=form.cleaned_data["reason"])
    return send()


def attachment(body, content_type: str, filename: str) -> HttpResponse:
    """Return `body` as a file to save (not to show in the browser) under `filename`."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
