"""The outbox page and the district's switch (district operator), and the public "stop messages" page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mutakhir.core.downloads import attachment, download_with_reason
from mutakhir.core.listing import list_page
from mutakhir.identification import access as prelist_access

from . import access, notice
from .forms import OutboxFilter, SettingsForm, StopForm
from .labels import event_label, known_reason
from .models import NotificationSettings
from .optout import check_opt_out
from .outbox import mask_recipient


@login_required
def outbox(request):
    """The district's messages, newest first: to whom (masked), what, and whether it went, or why not."""
    if not access.can_manage(request.user):
        raise PermissionDenied
    filters = OutboxFilter(request.GET)
    rows = access.messages_for(request.user)
    if filters.is_valid() and filters.cleaned_data["state"]:
        rows = rows.filter(state=filters.cleaned_data["state"])
    page = list_page(request, rows)
    for message in page:
        message.masked = mask_recipient(message.recipient)
        message.event_label, message.reason = event_label(message.event), known_reason(message.last_error)
    return render(request, "notifications/outbox.html", {"filters": filters, "page": page})


@login_required
def district_settings(request):
    """The district operator turns notifications on or off, chooses channels and the objection window."""
    if not access.can_manage(request.user):
        raise PermissionDenied
    district = request.user.region_id
    instance = NotificationSettings.objects.filter(region_id=district).first() or NotificationSettings(
        region_id=district)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("The notification settings were saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


def stop(request):
    """Public page: stop the messages to a phone or e-mail, with the reference a message named."""
    form = StopForm(request.POST or None, initial={"reference": request.GET.get("ref", "")[:24]})
    done, limited = False, False
    if request.method == "POST" and form.is_valid():
        _matched, limited = check_opt_out(request.META.get("REMOTE_ADDR", ""), form.cleaned_data["reference"],
                                          form.cleaned_data["recipient"])
        done = not limited
    response = render(request, "notifications/stop.html", {"form": form, "done": done, "limited": limited},
                      status=429 if limited else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notice_pdf(request, pk):
    """The printable public notice of a frozen prelist (names of heads, RT/RW): a reason is asked and logged."""
    prelist = prelist_access.get_prelist_for_user(request.user, pk)
    title = _("Public notice %(village)s v%(version)s (PDF)") % {"village": prelist.region.name,
                                                                 "version": prelist.version}
    return download_with_reason(request, prelist, "notice",
                                lambda: attachment(notice.pdf(prelist), "application/pdf", notice.filename(prelist)),
                                title=title, back=reverse("identification:prelist", args=[pk]))
