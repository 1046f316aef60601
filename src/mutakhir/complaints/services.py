"""Complaint services: `check_*` validates and authorises, `do_*` writes (atomic, with history).

Every write sets the history user and a change reason, so simple_history records who, when and why.
"""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.core.evidence import attach
from mutakhir.notifications import objections
from mutakhir.notifications.events import complaint_event
from mutakhir.registration import services as registration_services
from mutakhir.registration.guard import GuardLimited, outside_message
from mutakhir.registration.models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Channel
from mutakhir.registration.validation import ValidationFailed

from . import flows
from .access import assignable_staff, can_assign, can_handle
from .models import OPEN_STATUSES, Complaint, Kind, Status, TicketCounter, sla_days

FOLLOW_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
FOLLOW_LENGTH = 8  # 31**8, about 2**40; lookups are rate-limited


class ComplaintError(Exception):
    """A request the complaint's state or data does not allow; the message is for the user."""


def new_follow_code() -> str:
    """Return a random follow code such as K7PM-Q2XD."""
    raw = "".join(secrets.choice(FOLLOW_ALPHABET) for _ in range(FOLLOW_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_follow_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def follow_hash(ticket: str, code: str) -> str:
    """Return the keyed hash of a ticket's follow code (SECRET_KEY: the table alone cannot be brute-forced)."""
    return salted_hmac("mutakhir.complaints.follow", f"{ticket}:{normalize_follow_code(code)}",
                       algorithm="sha256").hexdigest()


def follow_matches(complaint: Complaint | None, ticket: str, code: str) -> bool:
    """Compare in constant time; hash even when there is no complaint, so both cases cost the same."""
    expected = complaint.follow_hash if complaint is not None else "0" * 64
    return constant_time_compare(follow_hash(ticket, code), expected) and complaint is not None


def allocate_ticket(district: str, year: int) -> str:
    """Reserve the next ticket number (ADU-1901-2025-000042) under a row lock."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                TicketCounter.objects.get_or_create(district=district, year=year)
        except IntegrityError:
            pass  # created concurrently
        counter = TicketCounter.objects.select_for_update().get(district=district, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"ADU-{district}-{year}-{counter.last:06d}"


# The history keeps each step's reason in English (the audit record's language); this is how a page says it.
REASON_LABELS = {"filed": gettext_lazy("filed"), "review started": gettext_lazy("review started"),
                 "answered": gettext_lazy("answered"), "closed": gettext_lazy("closed"),
                 "reopened": gettext_lazy("reopened"), "evidence added": gettext_lazy("evidence added")}
REASON_PREFIXES = {"assigned to ": gettext_lazy("assigned to %(rest)s"),
                   "re-verification ": gettext_lazy("re-verification %(rest)s")}


def reason_label(reason: str) -> str:
    """Return a history reason in the user's language (a reason this module never writes, as it is)."""
    if reason in REASON_LABELS:
        return str(REASON_LABELS[reason])
    for prefix, label in REASON_PREFIXES.items():
        if reason.startswith(prefix):
            return str(label) % {"rest": reason[len(prefix):]}
    return reason


def _stamp(obj, user, reason: str):
    obj._history_user = user if user is not None and user.is_authenticated else None
    obj._change_reason = reason[:100]
    return obj


@transaction.atomic
def do_file_complaint(*, region, kind: str, text: str, complainant_name: str = "", complainant_phone: str = "",
                      complainant_nik: str = "", subject_name: str = "", subject_address: str = "",
                      photos: dict | None = None, location=None) -> tuple[Complaint, str]:
    """Save a citizen's complaint (validated by the form); return it with its follow code, shown only once.

    `photos` (field name -> cleaned JPEG, core/evidence.py) and `location` are the complainant's evidence.
    """
    now = timezone.now()
    today = timezone.localtime(now).date()
    ticket = allocate_ticket(region.code[:4], today.year)
    code = new_follow_code()
    complaint = Complaint(ticket=ticket, follow_hash=follow_hash(ticket, code), kind=kind, region=region, text=text,
                          complainant_name=complainant_name, complainant_phone=complainant_phone,
                          complainant_nik=complainant_nik, subject_name=subject_name,
                          subject_address=subject_address, filed_at=now,
                          due_on=today + dt.timedelta(days=sla_days()))
    attach(complaint, photos or {}, location)
    if kind == Kind.OBJECTION:
        objections.route(complaint)
    _stamp(complaint, None, "filed").save()
    complaint_event(complaint, "received")
    return complaint, code


def _lock(complaint: Complaint) -> Complaint:
    """Re-read the complaint under a row lock, so two staff actions cannot both pass the flow check."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def check_handle(user, complaint: Complaint) -> None:
    """Raise PermissionDenied unless the user may work on this complaint (assignee or district operator)."""
    if not can_handle(user) or user.is_read_only:
        raise PermissionDenied(_("Your role may not handle complaints."))
    prefix = user.scope_prefix
    if prefix is None or not complaint.region_id.startswith(prefix):
        raise PermissionDenied(_("The complaint's village lies outside your area."))
    if not can_assign(user) and complaint.assigned_to_id not in (None, user.pk):
        raise PermissionDenied(_("This complaint is assigned to someone else."))


def _move(user, complaint: Complaint, new: str, reason: str, **changes) -> Complaint:
    locked = _lock(complaint)
    flows.check_transition(locked.status, new)
    locked.status = new
    for name, value in changes.items():
        setattr(locked, name, value)
    _stamp(locked, user, reason).save(update_fields=["status", *changes])
    return locked


@transaction.atomic
def do_add_evidence(user, complaint: Complaint, photos: dict, location) -> Complaint:
    """Record a handler's photo and location of the house (a visit while the complaint is open)."""
    check_handle(user, complaint)
    locked = _lock(complaint)
    if locked.status not in OPEN_STATUSES:
        raise ComplaintError(_("The complaint is no longer open: evidence is added while it is handled."))
    fields = attach(locked, photos, location)
    if not fields:
        raise ComplaintError(_("Choose a photo or record the location first."))
    _stamp(locked, user, "evidence added").save(update_fields=fields)
    return locked


@transaction.atomic
def do_assign(user, complaint: Complaint, assignee) -> Complaint:
    """Assign the complaint to a handler whose area covers its village (new -> assigned, or reassign)."""
    check_handle(user, complaint)
    if not can_assign(user):
        raise PermissionDenied(_("Only district operators assign complaints."))
    if assignee is None or not assignable_staff(complaint).filter(pk=assignee.pk).exists():
        raise ComplaintError(_("Choose a staff account whose area covers the complaint's village."))
    locked = _lock(complaint)
    if locked.status not in flows.ASSIGNABLE:
        raise flows.TransitionError(locked.status, Status.ASSIGNED)
    locked.assigned_to = assignee
    fields = ["assigned_to"]
    if locked.status == Status.NEW:
        locked.status = Status.ASSIGNED
        fields.append("status")
    _stamp(locked, user, f"assigned to {assignee.username}").save(update_fields=fields)
    return locked


@transaction.atomic
def do_start_review(user, complaint: Complaint) -> Complaint:
    check_handle(user, complaint)
    return _move(user, complaint, Status.IN_REVIEW, "review started")


def check_answer(answer: str) -> str:
    answer = (answer or "").strip()
    if not answer:
        raise ComplaintError(_("Write the answer the complainant will read."))
    if len(answer) > 4000:
        raise ComplaintError(_("The answer is longer than 4000 characters."))
    return answer


@transaction.atomic
def do_answer(user, complaint: Complaint, answer: str) -> Complaint:
    """Record the answer the complainant reads when following the ticket (in review -> answered)."""
    check_handle(user, complaint)
    answered = _move(user, complaint, Status.ANSWERED, "answered", answer=check_answer(answer),
                     answered_at=timezone.now())
    complaint_event(answered, "answered")
    return answered


@transaction.atomic
def do_close(user, complaint: Complaint) -> Complaint:
    check_handle(user, complaint)
    closed = _move(user, complaint, Status.CLOSED, "closed")
    complaint_event(closed, "closed")
    return closed


@transaction.atomic
def do_reopen(user, complaint: Complaint) -> Complaint:
    """Reopen an answered complaint for another review, with a fresh SLA period."""
    check_handle(user, complaint)
    return _move(user, complaint, Status.IN_REVIEW, "reopened",
                 due_on=timezone.localdate() + dt.timedelta(days=sla_days()))


def _registration_data(household) -> dict:
    """Return the registration payload of a registry household: its characteristics and active members."""
    data = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    # The household is already in the unified database: re-verification is processing under its legal basis.
    data.update(region_code=household.region_id, consent=True)
    data["members"] = [{name: getattr(m, name) for name in MEMBER_FIELDS}
                       for m in household.members.active().order_by("relation", "pk")]
    return data


def check_reverification(user, complaint: Complaint, household) -> registration_services.Clean:
    """Validate sending the household to re-verification; raise ComplaintError with a clear message."""
    check_handle(user, complaint)
    if complaint.status not in flows.WORKING:
        raise ComplaintError(_("Assign the complaint before sending a household to re-verification."))
    if complaint.registration_id:
        raise ComplaintError(_("This complaint already sent a household to re-verification (%(number)s).")
                             % {"number": complaint.registration.number})
    if household is None or household.ended_at is not None:
        raise ComplaintError(_("Unknown household ID, or the household has ended."))
    if household.region_id[:4] != complaint.region_id[:4]:
        raise ComplaintError(_("The household lies outside the complaint's district."))
    try:
        return registration_services.check_registration(user, _registration_data(household),
                                                        channel=Channel.COMPLAINT)
    except ValidationFailed as exc:
        first = [f"{path}: {' '.join(messages)}" for path, messages in exc.problems.errors.items()][:3]
        raise ComplaintError(_("The household cannot be sent to re-verification: %(problems)s")
                             % {"problems": "; ".join(first)}) from exc


@transaction.atomic
def do_send_to_reverification(user, complaint: Complaint, household) -> Complaint:
    """Link the household and create a re-verification registration (channel complaint) in the open period."""
    clean = check_reverification(user, complaint, household)
    clean.household["reason_proposed"] = _("Complaint %(ticket)s") % {"ticket": complaint.ticket}
    try:
        registration = registration_services.do_create_registration(user, clean)
    except registration_services.DuplicateSuspected as exc:
        raise ComplaintError(_("This household already has a registration in the open update period "
                               "(%(numbers)s): follow that one.") % {"numbers": str(exc) or outside_message()}) from exc
    except GuardLimited as exc:
        raise ComplaintError(str(exc)) from exc
    locked = _lock(complaint)
    locked.household, locked.registration = household, registration
    _stamp(locked, user, f"re-verification {registration.number}").save(update_fields=["household", "registration"])
    return locked
