"""Verification pages: progress and work lists, the verification form, review, assignment. Thin views."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutakhir.accounts.models import Role
from mutakhir.accounts.scope import filter_visible
from mutakhir.core.bodylimit import body_limit
from mutakhir.core.downloads import attachment
from mutakhir.core.evidence import max_bytes as evidence_max_bytes
from mutakhir.core.evidence import photo_response
from mutakhir.core.listing import export_rows, list_page, wants_export
from mutakhir.core.numbers import small_int
from mutakhir.identification.prelists import change_words, head_and_address
from mutakhir.registry.display import display_value

from . import access
from .forms import (
    HouseholdForm,
    MemberFormSet,
    OutcomeForm,
    VerificationEvidenceForm,
    from_answers,
    show_member_issues,
    to_answers,
)
from .listing import HEADER as EXPORT_HEADER
from .listing import VerificationFilter, export_row
from .models import Status, Verification
from .paper import blank_pdf
from .progress import progress_for
from .questionnaire import HOUSEHOLD_ITEMS
from .services import (
    Conflict,
    Invalid,
    VerificationError,
    do_assign,
    do_review,
    do_save,
    draft_warnings,
    is_locked,
    prefill,
)


@login_required
def index(request):
    if not access.can_read(request.user):
        raise PermissionDenied
    user = request.user
    visible = (access.verifications_for(user).select_related("entry__household", "entry__registration", "region")
               .prefetch_related("entry__household__members", "entry__registration__members"))
    mine = list(visible.filter(verifier=user).exclude(status=Status.ACCEPTED))
    to_review = list(visible.filter(status=Status.SUBMITTED).exclude(verifier=user)) if access.can_review(user) else []
    unassigned = (list(access.entries_to_assign(user).select_related("household", "registration", "prelist")
                       .prefetch_related("household__members", "registration__members")[:200])
                  if access.can_assign(user) else [])
    _find_the_house([v.entry for v in mine + to_review] + unassigned)
    return render(request, "verification/index.html", {
        "progress": progress_for(user), "odk": access.can_use_odk(user), "mine": mine, "to_review": to_review,
        "unassigned": unassigned,
        "verifiers": (filter_visible(get_user_model().objects.filter(role__in=[Role.PSM, Role.TKSK], is_active=True),
                                      user, "region_id")
                      if access.can_assign(user) and user.role != Role.PSM else []),
    })


@login_required
def all_verifications(request):
    """Every verification in scope, filtered, 50 a page, or as XLSX (`?export=xlsx`, a reason asked)."""
    if not access.can_read(request.user):
        raise PermissionDenied
    filters = VerificationFilter(request.GET, user=request.user)
    rows = (filters.apply(access.verifications_for(request.user))
            .select_related("region", "registration", "household", "verifier").order_by("region_id", "pk"))
    if wants_export(request):
        return export_rows(request, rows, name="verifikasi", header=EXPORT_HEADER, row=export_row,
                           title=_("Verifications (XLSX)"))
    return render(request, "verification/all.html", {"filters": filters, "page": list_page(request, rows)})


def _find_the_house(entries) -> None:
    """Set `head` and `address` (with RT/RW) on each entry: a field worker finds the house by them, not by its key."""
    for entry in entries:
        entry.head, _people, entry.address = head_and_address(entry.registration or entry.household)


def _side_by_side(verification, form):
    """Return (bound field, registry value, registration value) per household item."""
    entry = verification.entry
    hh, reg = entry.household, entry.registration
    rows = []
    for item in HOUSEHOLD_ITEMS:
        def shown(obj, name=item.name):
            return display_value(obj._meta.get_field(name), getattr(obj, name)) if obj else ""
        rows.append((form[item.name], shown(hh), shown(reg)))
    return rows


@login_required
def blank_form(request):
    """The blank printable questionnaire (PDF): no personal data, for any field or office staff of verification."""
    if not access.can_read(request.user):
        raise PermissionDenied
    return attachment(blank_pdf(), "application/pdf", "kuesioner-verifikasi.pdf")


def _photos(verification) -> list[tuple[str, str]]:
    """Return (label, URL) of each stored photo: shown beside the answers, each view logged by the photo view."""
    return [(Verification._meta.get_field(name).verbose_name,
             reverse("verification:photo", args=[verification.pk, name.removeprefix("photo_")]))
            for name in Verification.PHOTOS if getattr(verification, name)]


def _evidence_bytes() -> int:
    return 2 * evidence_max_bytes()  # the two photos; the answers fit in the form's room


@login_required
@body_limit(_evidence_bytes)
def edit(request, pk):
    verification = access.get_verification_for_user(request.user, pk)
    can_edit = (request.user.is_superuser or verification.verifier_id == request.user.pk) and \
        verification.status in (Status.ASSIGNED, Status.DRAFT, Status.RETURNED) and not is_locked(verification)
    issues = []
    if request.method == "POST":
        verification = access.get_verification_to_edit(request.user, pk)
        outcome_form = OutcomeForm(request.POST)
        household_form = HouseholdForm(request.POST, prefix="hh")
        members = MemberFormSet(request.POST, prefix="m")
        evidence = VerificationEvidenceForm(request.POST, request.FILES, prefix="ev")
        if all([outcome_form.is_valid(), household_form.is_valid(), members.is_valid(), evidence.is_valid()]):
            data, submit = outcome_form.cleaned_data, "submit" in request.POST
            try:
                saved = do_save(verification, version=data["version"], outcome=data["outcome"], actor=request.user,
                                answers=to_answers(household_form, members), submit=submit,
                                moved_to=data["moved_to"], merged_into=data["merged_into"], new_kk=data["new_kk"],
                                visited_on=data["visited_on"], photos=evidence.photos(),
                                location=evidence.location())
            except Invalid as exc:
                issues = exc.issues
                show_member_issues(members, issues)
            except Conflict as exc:
                messages.error(request, str(exc))
                return redirect("verification:edit", pk=pk)
            except VerificationError as exc:
                messages.error(request, str(exc))
                return redirect("verification:edit", pk=pk)
            else:
                messages.success(request, _("Submitted.") if submit else _("Draft saved."))
                for issue in [] if submit else draft_warnings(saved):
                    messages.warning(request, _("Before submitting: %(issue)s") % {"issue": issue})
                return redirect("verification:edit", pk=pk)
    else:
        household, members_initial = from_answers(verification.answers or prefill(verification.entry))
        outcome_form = OutcomeForm(initial={"version": verification.version, "outcome": verification.outcome,
                                            "visited_on": verification.visited_on, "moved_to": verification.moved_to,
                                            "merged_into": verification.merged_into, "new_kk": verification.new_kk})
        household_form = HouseholdForm(initial=household, prefix="hh")
        members = MemberFormSet(initial=members_initial, prefix="m")
        evidence = VerificationEvidenceForm(prefix="ev")
    return render(request, "verification/edit.html", {
        "v": verification, "photos": _photos(verification), "outcome_form": outcome_form, "members": members,
        "issues": issues, "evidence": evidence,
        "rows": _side_by_side(verification, household_form), "can_edit": can_edit,
        "to_check": change_words([verification.entry])[verification.entry.pk],
        "can_review": access.can_review(request.user) and verification.verifier_id != request.user.pk
        and verification.status in (Status.SUBMITTED, Status.ACCEPTED),
    })


@login_required
def photo(request, pk, which):
    """One photo of a verification, to the readers of its village only, logged: never a public media URL."""
    field = f"photo_{which}"
    if field not in Verification.PHOTOS:
        raise Http404
    return photo_response(request, access.get_verification_for_user(request.user, pk), field)


@login_required
@require_POST
def review(request, pk):
    verification = access.get_verification_to_review(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        do_review(verification, accept=accept, reason=request.POST.get("reason", ""), actor=request.user)
    except VerificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Accepted.") if accept else _("Returned to the verifier."))
    return redirect("verification:edit", pk=pk)


@login_required
@require_POST
def assign(request, entry_pk):
    entry = access.get_entry_to_assign(request.user, entry_pk)
    verifier = request.user
    if request.user.role != Role.PSM and request.POST.get("verifier"):
        verifier = get_user_model().objects.filter(pk=small_int(request.POST["verifier"])).first() or request.user
    try:
        verification = do_assign(entry, verifier, actor=request.user)
    except VerificationError as exc:
        messages.error(request, str(exc))
        return redirect("verification:index")
    return redirect("verification:edit", pk=verification.pk)
