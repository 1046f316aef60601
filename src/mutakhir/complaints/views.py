"""Complaint pages: public filing and following (no login), and the staff queue; thin views over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mutakhir.accounts.backends import REVEAL_IDENTITY
from mutakhir.core.bodylimit import body_limit
from mutakhir.core.evidence import max_bytes as evidence_max_bytes
from mutakhir.core.evidence import photo_response
from mutakhir.core.listing import export_rows, list_page, wants_export
from mutakhir.core.models import PersonalDataAccess
from mutakhir.regions.models import Region
from mutakhir.registration.guard import log_outside
from mutakhir.registration.services import DuplicateSuspected
from mutakhir.registry.models import Household
from mutakhir.registry.views import RevealForm

from . import public, services
from .access import assignable_staff, can_assign, can_handle, can_read, complaints_for, get_complaint_for_user
from .flows import TransitionError
from .forms import AnswerForm, AssignForm, ComplaintEvidenceForm, FileComplaintForm, FollowForm, ReverifyForm
from .listing import EXPORT_HEADER, QueueFilter, export_row

PICKER_LEVELS = (("province", gettext_lazy("Province")), ("regency", gettext_lazy("Regency/city")),
                 ("subdistrict", gettext_lazy("Sub-district")), ("region_code", gettext_lazy("Village")))


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _picker(data) -> list[tuple[str, str, list, str]]:
    """Return the village cascade (province > regency > sub-district > village): name, label, options, value."""
    levels, parent = [], None
    for level, (name, label) in enumerate(PICKER_LEVELS, start=1):
        options = [] if level > 1 and parent is None else list(
            Region.objects.filter(level=level, **({"parent_id": parent} if parent else {})).only("code", "name"))
        value = data.get(name, "")
        value = value if any(r.code == value for r in options) else ""
        levels.append((name, label, options, value))
        parent = value or None
    return levels


@require_GET
def village_picker(request):
    """htmx: the village cascade after a choice at one level."""
    return render(request, "complaints/_village_picker.html", {"picker": _picker(request.GET)})


@body_limit(evidence_max_bytes)
def file_complaint(request):
    """Public page: file a complaint (no login); answers with the ticket number and its follow code."""
    form = FileComplaintForm(request.POST or None)
    evidence = ComplaintEvidenceForm(request.POST or None, request.FILES or None, prefix="ev")
    status = 200
    if request.method == "POST":
        if public.filing_limited(_client(request)):
            status = 429
        elif form.is_valid() and evidence.is_valid():
            data = form.cleaned_data
            complaint, code = services.do_file_complaint(
                region=data["region"], kind=data["kind"], text=data["text"],
                complainant_name=data["complainant_name"], complainant_phone=data["complainant_phone"],
                complainant_nik=data["complainant_nik"], subject_name=data["subject_name"],
                subject_address=data["subject_address"], photos=evidence.photos(), location=evidence.location())
            return _no_store(render(request, "complaints/ticket.html", {"complaint": complaint, "code": code}))
    return _no_store(render(request, "complaints/file.html", {
        "form": form, "evidence": evidence, "picker": _picker(request.POST), "limited": status == 429},
        status=status))


def follow_complaint(request):
    """Public page: follow a ticket with its code: status and answer only, the same reply for any miss."""
    form = FollowForm(request.POST or None)
    answer, limited = None, False
    if request.method == "POST" and form.is_valid():
        answer, limited = public.check_follow(_client(request), form.cleaned_data["ticket"],
                                              form.cleaned_data["code"])
    status = 429 if limited else 200
    return _no_store(render(request, "complaints/follow.html", {"form": form, "answer": answer,
                                                               "limited": status == 429}, status=status))


@login_required
def queue(request):
    """The complaints in scope (open ones unless filtered), 50 a page, or as XLSX (`?export=xlsx`, a reason asked)."""
    if not can_read(request.user):
        raise PermissionDenied
    filters = QueueFilter(request.GET, user=request.user)
    rows = (filters.apply(complaints_for(request.user)).select_related("region", "assigned_to", "household")
            .order_by("due_on", "pk"))
    if wants_export(request):
        return export_rows(request, rows, name="pengaduan", header=EXPORT_HEADER, row=export_row,
                           title=_("Complaints (XLSX)"))
    return render(request, "complaints/queue.html", {"filters": filters, "page": list_page(request, rows)})


@login_required
def detail(request, ticket):
    complaint = get_complaint_for_user(request.user, ticket)
    if complaint.complainant_name or complaint.complainant_phone or complaint.complainant_nik:
        PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, complaint, fields="complainant")
    return _detail(request, complaint, RevealForm(initial={"field": "nik"}))


def _detail(request, complaint, reveal_form, *, revealed: bool = False, status: int = 200):
    user = request.user
    return render(request, "complaints/detail.html", {
        "c": complaint, "can_handle": can_handle(user) and not user.is_read_only, "can_assign": can_assign(user),
        "assign_form": AssignForm(staff=assignable_staff(complaint), initial={"assignee": complaint.assigned_to_id}),
        "answer_form": AnswerForm(initial={"answer": complaint.answer}), "reverify_form": ReverifyForm(),
        "reveal_form": reveal_form, "revealed": revealed, "can_reveal": user.has_perm(REVEAL_IDENTITY),
        "photos": [(_("Photo"), reverse("complaints:photo", args=[complaint.ticket]))] if complaint.photo else [],
        "evidence_form": ComplaintEvidenceForm(prefix="ev"),
        "history": _history(complaint)}, status=status)


def _history(complaint) -> list:
    """The complaint's last 20 steps, each with its reason in the user's language."""
    steps = list(complaint.history.select_related("history_user").order_by("-history_date")[:20])
    for step in steps:
        step.reason_label = services.reason_label(step.history_change_reason or "")
    return steps


@login_required
@require_POST
def reveal_nik(request, ticket):
    """Show the complainant's full NIK (masked on the page) for a stated reason, kept in the access log."""
    complaint = get_complaint_for_user(request.user, ticket)
    if not complaint.complainant_nik or not request.user.has_perm(REVEAL_IDENTITY):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail(request, complaint, form, status=400)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.REVEAL, complaint, fields="complainant_nik",
                              reason=form.cleaned_data["reason"])
    return _detail(request, complaint, form, revealed=True)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _assign(request, complaint):
    form = AssignForm(request.POST, staff=assignable_staff(complaint))
    if not form.is_valid():
        raise services.ComplaintError(_first_error(form))
    assignee = form.cleaned_data["assignee"]
    services.do_assign(request.user, complaint, assignee)
    return _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.username}


def _answer(request, complaint):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        raise services.ComplaintError(_first_error(form))
    services.do_answer(request.user, complaint, form.cleaned_data["answer"])
    return _("The answer is recorded; the complainant sees it when following the ticket.")


def _reverify(request, complaint):
    form = ReverifyForm(request.POST)
    household_id = form.cleaned_data["household_id"].strip() if form.is_valid() else ""
    household = Household.objects.visible_to(request.user).filter(household_id=household_id).first()
    try:
        complaint = services.do_send_to_reverification(request.user, complaint, household)
    except services.ComplaintError as exc:
        if isinstance(exc.__cause__, DuplicateSuspected):  # logged here: the service's transaction rolled back
            log_outside(request, exc.__cause__.outside)
        raise
    return _("Household %(household)s sent to re-verification as registration %(number)s.") % {
        "household": household.household_id, "number": complaint.registration.number}


def _evidence(request, complaint):
    form = ComplaintEvidenceForm(request.POST, request.FILES, prefix="ev")
    if not form.is_valid():
        raise services.ComplaintError(_first_error(form))
    services.do_add_evidence(request.user, complaint, form.photos(), form.location())
    return _("The photo and location are recorded.")


def _simple(service, message):
    """Return an action that calls a service taking (user, complaint) and reports `message`."""
    def run(request, complaint):
        service(request.user, complaint)
        return str(message)
    return run


ACTIONS = {
    "assign": _assign,
    "review": _simple(services.do_start_review, gettext_lazy("Review started.")),
    "answer": _answer,
    "close": _simple(services.do_close, gettext_lazy("Complaint closed.")),
    "reopen": _simple(services.do_reopen, gettext_lazy("Complaint reopened for review.")),
    "reverify": _reverify,
    "evidence": _evidence,
}


@login_required
def photo(request, ticket):
    """The complaint's photo, to the readers of its village only, logged: never a public media URL."""
    return photo_response(request, get_complaint_for_user(request.user, ticket), "photo")


@login_required
@require_POST
@body_limit(evidence_max_bytes)
def act(request, ticket, action):
    """Run one staff action on a complaint; a refused one comes back as a message on the detail page."""
    complaint = get_complaint_for_user(request.user, ticket)
    user = request.user
    if action not in ACTIONS or not can_handle(user) or user.is_read_only or (
            action == "assign" and not can_assign(user)):
        raise PermissionDenied
    try:
        messages.success(request, ACTIONS[action](request, complaint))
    except (services.ComplaintError, TransitionError) as exc:
        messages.error(request, str(exc))
    return redirect("complaints:detail", ticket=complaint.ticket)
