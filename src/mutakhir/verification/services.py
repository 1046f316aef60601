"""Change verifications: check_* validates, do_* writes (atomic, with history). No authorisation here."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.accounts.models import Role
from mutakhir.core.evidence import attach
from mutakhir.identification.models import PrelistEntry

from .checks import Issue, check_answers
from .flows import EDITABLE, TransitionError, check_transition
from .members import member_issues
from .models import Outcome, Status, Verification, subject_fields
from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS
from .references import References


class VerificationError(Exception):
    """A change refused with a message for the user."""


class Conflict(VerificationError):
    """Somebody else saved the verification since it was opened (optimistic locking)."""


class Invalid(VerificationError):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


def _json(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _values(obj, items) -> dict:
    return {i.name: _json(getattr(obj, i.name, None)) for i in items if getattr(obj, i.name, None) not in (None, "")}


def prefill(entry: PrelistEntry) -> dict:
    """Return the answers to start from: the registry household, else the registration."""
    if entry.household_id:
        hh = entry.household
        members = [{"ref": m.record_id, "status": "present", **_values(m, MEMBER_ITEMS)}
                   for m in hh.members.filter(ended_at__isnull=True).order_by("relation", "record_id")]
        return {"household": _values(hh, HOUSEHOLD_ITEMS), "members": members}
    reg = entry.registration
    members = [{"ref": "", "status": "new", **_values(m, MEMBER_ITEMS)} for m in reg.members.all()]
    return {"household": _values(reg, HOUSEHOLD_ITEMS), "members": members}


def locked_ids(verification_ids) -> set[int]:
    """Return which of the verifications an approved decree holds, with no draft correction reopening them."""
    from mutakhir.decrees.models import Decree, DecreeItem

    approved, reopened = set(), set()
    items = DecreeItem.objects.filter(verification_id__in=list(verification_ids))
    for pk, status, corrects in items.values_list("verification_id", "decree__status", "decree__corrects_id"):
        if status == Decree.Status.APPROVED:
            approved.add(pk)
        elif status == Decree.Status.DRAFT and corrects:
            reopened.add(pk)
    return approved - reopened


def is_locked(verification: Verification) -> bool:
    """Return whether an approved decree holds the verification and no draft correction reopens it."""
    return verification.pk in locked_ids([verification.pk])


def check_verifier(entry: PrelistEntry, verifier) -> None:
    """Raise unless `verifier` is an active PSM or TKSK whose region holds the entry's village."""
    if verifier.role not in (Role.PSM, Role.TKSK) or not verifier.is_active:
        raise VerificationError(_("Only a PSM or TKSK can verify households."))
    prefix = verifier.scope_prefix or ""
    if not entry.prelist.region_id.startswith(prefix) or verifier.scope_prefix is None:
        raise VerificationError(_("The household lies outside the verifier's region."))


def check_editable(existing: Verification | None) -> None:
    if existing and existing.status not in EDITABLE:
        raise VerificationError(_("This household's verification is already submitted."))


def holders(entries) -> dict[int, Verification]:
    """Return, by entry pk, the verification of the entry's update period that holds its household through
    another entry (its registration or its registry household): one verification per household and period."""
    entries = list(entries)
    if not entries:
        return {}
    periods = {e.prelist.update_period_id for e in entries}
    registrations = {e.registration_id for e in entries} - {None}
    households = {e.household_id for e in entries} - {None}
    held = {}
    for v in Verification.objects.filter(Q(registration_id__in=registrations) | Q(household_id__in=households),
                                         update_period_id__in=periods):
        held[v.update_period_id, "r", v.registration_id] = held[v.update_period_id, "h", v.household_id] = v
    out = {}
    for e in entries:
        period = e.prelist.update_period_id
        for key in ((period, "r", e.registration_id), (period, "h", e.household_id)):
            v = held.get(key) if key[2] is not None else None
            if v is not None and v.entry_id != e.pk:
                out[e.pk] = v
    return out


def retired(entries) -> dict[int, int]:
    """Return, by entry pk, the version of the prelist that took over each replaced entry's household."""
    return dict(PrelistEntry.objects.filter(pk__in=[e.pk for e in entries], superseded_by__isnull=False)
                .values_list("pk", "superseded_by__version"))


def once_message(held: Verification | None = None) -> str:
    """Return why a household cannot get a second verification in its update period."""
    if held is None:
        return _("This household has a verification in this update period already: a household is verified "
                 "once per period.")
    return (_("This household has a verification in this update period already (#%(pk)s, %(status)s): a "
              "household is verified once per period.") % {"pk": held.pk, "status": held.get_status_display()})


def check_once(entry: PrelistEntry, *, held: dict | None = None, replaced: dict | None = None) -> None:
    """Raise unless the entry is current and no other entry's verification holds its household this period.

    `held` and `replaced` (from holders() and retired()) let a batch check many entries with two queries.
    """
    version = (retired([entry]) if replaced is None else replaced).get(entry.pk)
    if version is not None:
        raise VerificationError(_("Version %(version)s of the prelist took this household over: verify it "
                                  "there.") % {"version": version})
    other = (holders([entry]) if held is None else held).get(entry.pk)
    if other is not None:
        raise VerificationError(once_message(other))


def check_assign(entry: PrelistEntry, verifier) -> None:
    check_verifier(entry, verifier)
    check_once(entry)
    check_editable(Verification.objects.filter(entry=entry).first())


@transaction.atomic
def do_assign(entry: PrelistEntry, verifier, *, actor) -> Verification:
    """Assign (or reassign) a prelist entry to a verifier, prefilled from the prelist."""
    check_assign(entry, verifier)
    try:
        with transaction.atomic():  # the database refuses a second verification of the household (a race)
            verification, created = Verification.objects.get_or_create(entry=entry, defaults={
                "region_id": entry.prelist.region_id, "verifier": verifier, "answers": prefill(entry),
                **subject_fields(entry)})
    except IntegrityError as exc:
        raise VerificationError(once_message()) from exc
    if not created:
        verification.verifier = verifier
        verification.version += 1
        verification._change_reason = f"assigned by {actor}"
        verification.save(update_fields=["verifier", "version", "updated_at"])
    return verification


def check_save(verification: Verification, outcome: str, answers: dict, submit: bool, merged_into: str = "") -> None:
    if verification.status not in EDITABLE:
        raise VerificationError(_("This verification is %(status)s and cannot be changed.")
                                % {"status": verification.get_status_display()})
    if is_locked(verification):
        raise VerificationError(_("An approved decree holds this verification: change it through a correction "
                                  "decree."))
    entry = verification.entry
    references = References.load([entry], [merged_into])
    foreign = references.member_issues(entry, answers)  # a forged member is refused even in a draft
    if foreign:
        raise Invalid(foreign)
    if submit:
        if not outcome:
            raise Invalid([Issue("outcome", _("Choose the visit outcome."), "outcome")])
        issues = (check_answers(answers, outcome) + member_issues(entry, answers, outcome)
                  + references.issues(entry, answers, outcome, merged_into, verification.verifier))
        if issues:
            raise Invalid(issues)


def draft_warnings(verification: Verification) -> list[Issue]:
    """Return what would stop a saved draft's members from being submitted: a person present in another
    household (a draft is the verifier's own workspace, so it is saved; the submission is refused)."""
    return member_issues(verification.entry, verification.answers, verification.outcome or Outcome.VERIFIED)


@transaction.atomic
def do_save(verification: Verification, *, version: int, outcome: str, answers: dict, actor, submit: bool = False,
            moved_to: str = "", merged_into: str = "", new_kk: str = "", visited_on=None, source: str = "",
            instance_id: str | None = None, form_version: str = "", photos: dict | None = None,
            location=None) -> Verification:
    """Save a draft or submit; raise Conflict when `version` is not the stored one any more.

    `photos` (field name -> cleaned JPEG bytes) and `location` replace the stored ones; left out, they stay.
    """
    current = Verification.objects.select_for_update().get(pk=verification.pk)
    if current.version != version:
        raise Conflict(_("Somebody else saved this verification since you opened it (by %(who)s, at %(at)s). "
                         "Reload it and enter your changes again.")
                       % {"who": current.history.first().history_user or "?",
                          "at": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")})
    check_save(current, outcome, answers, submit, merged_into)
    new = Status.SUBMITTED if submit else Status.DRAFT
    try:
        check_transition(current.status, new)
    except TransitionError as exc:
        raise VerificationError(str(exc)) from exc
    current.status, current.outcome, current.answers = new, outcome, answers
    current.moved_to, current.merged_into, current.new_kk = moved_to, merged_into, new_kk
    current.visited_on = visited_on or current.visited_on or timezone.localdate()
    current.version += 1
    fields = ["status", "outcome", "answers", "moved_to", "merged_into", "new_kk", "visited_on", "version",
              "updated_at"]
    if submit:
        current.submitted_at = timezone.now()
        fields.append("submitted_at")
    if source:
        current.source, current.instance_id, current.form_version = source, instance_id, form_version
        fields += ["source", "instance_id", "form_version"]
    fields += attach(current, photos or {}, location)
    current._change_reason = "submitted" if submit else "draft saved"
    current._history_user = actor
    current.save(update_fields=fields)
    return current


def check_review(verification: Verification, accept: bool, reason: str) -> None:
    if verification.status == Status.ACCEPTED and not accept:
        if is_locked(verification):
            raise VerificationError(_("An approved decree holds this verification: change it through a correction "
                                      "decree."))
        if verification.decree_items.filter(decree__status="draft", decree__corrects__isnull=True).exists():
            raise VerificationError(_("A draft decree holds this verification: remove it from the decree first."))
    elif verification.status != Status.SUBMITTED:
        raise VerificationError(_("Only a submitted verification can be accepted or returned."))
    if not accept and len(reason.strip()) < 5:
        raise VerificationError(_("Give the reason for returning it (at least 5 characters)."))


@transaction.atomic
def do_review(verification: Verification, *, accept: bool, reason: str = "", actor) -> Verification:
    """Accept a submitted verification, or return it to its verifier with a reason."""
    current = Verification.objects.select_for_update().get(pk=verification.pk)
    check_review(current, accept, reason)
    current.status = Status.ACCEPTED if accept else Status.RETURNED
    current.return_reason = "" if accept else reason.strip()[:500]
    current.reviewed_by, current.reviewed_at = actor, timezone.now()
    current.version += 1
    current._change_reason = "accepted" if accept else f"returned: {current.return_reason}"
    current._history_user = actor
    current.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "version", "updated_at"])
    return current
