"""Registration services: `check_*` validates and authorises, `do_*` writes (atomic, with history).

Every write sets the history user and a change reason, so simple_history records who, when and why,
whether the call came from a page, the API, an import or a command.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import flows, guard
from .access import FORM_CHANNELS, can_enter, channels_for
from .duplicates import Duplicate, find_duplicates
from .models import Channel, NumberCounter, Registration, RegistrationMember, Status
from .validation import Problems, ValidationFailed, clean_household, clean_members, clean_region, open_period_for


class VersionConflict(Exception):
    """The registration changed since the caller read it."""


class DuplicateSuspected(Exception):
    """Possible duplicates exist; the caller must show them, ask for confirmation, and log `outside`.

    `duplicates` is what the user may be told (guard.py): those outside the user's scope come as one entry
    without a number. `outside` holds their numbers, for the access log only (`guard.log_outside`).
    """

    def __init__(self, duplicates: list[Duplicate], outside: list[str] = ()):
        super().__init__(", ".join(d.number for d in duplicates if d.number))
        self.duplicates, self.outside = duplicates, list(outside)


@dataclass
class Clean:
    """Validated registration data, ready for `do_*`."""

    region: object
    period: object
    channel: str
    household: dict
    members: list[dict]
    warnings: dict[str, list[str]] = field(default_factory=dict)
    musdes: object = None


def check_registration(user, data: dict, *, channel: str, period=None, musdes=None) -> Clean:
    """Validate data for a new or corrected registration; raise ValidationFailed or PermissionDenied."""
    if not can_enter(user) or (channel in FORM_CHANNELS and channel not in channels_for(user)):
        raise PermissionDenied(_("Your role may not enter registrations through this channel."))
    problems = Problems()
    code = str(data.get("region_code") or (musdes.region_id if musdes else "")).replace(".", "").strip()
    region = clean_region(code, period, problems, user=user)
    if region is not None and period is None:
        period = open_period_for(code)
        if period is None:
            problems.error("region_code", _("There is no open update period for this village's district."))
    if period is not None and period.status != period.Status.OPEN:
        problems.error("update_period", _("The update period is closed."))
    if channel == Channel.MUSDES and (musdes is None or musdes.region_id != code):
        problems.error("musdes", _("Choose the village deliberation (Musdes) that proposed this household."))
    household = clean_household(data, problems, channel=channel)
    members = clean_members(data.get("members") or [], problems)
    if problems.errors:
        raise ValidationFailed(problems)
    return Clean(region, period, channel, household, members, problems.warnings, musdes)


def allocate_numbers(district: str, year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive registration numbers (REG-1901-2025-000123) under a row lock."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberCounter.objects.get_or_create(district=district, year=year)
        except IntegrityError:
            pass  # created concurrently
        counter = NumberCounter.objects.select_for_update().get(district=district, year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return [f"REG-{district}-{year}-{n:06d}" for n in range(first, first + count)]


def _stamp(obj, user, reason: str):
    obj._history_user = user
    obj._change_reason = reason
    return obj


def _member_rows(registration, members: list[dict], user, reason: str) -> None:
    for position, values in enumerate(members, start=1):
        _stamp(RegistrationMember(registration=registration, position=position, **values), user, reason).save()


@transaction.atomic
def do_create_registration(user, clean: Clean, *, confirm_duplicates: bool = False, source_key: str = "",
                           import_run=None) -> Registration:
    """Save a new registration; raise DuplicateSuspected unless possible duplicates were confirmed.

    GuardLimited when the user has had too many answers about households outside their area (guard.py).
    """
    if not confirm_duplicates:
        guard.check_guard_open(user)
        duplicates = find_duplicates(clean.period, clean.region.code, clean.household["address"], clean.members)
        if duplicates:
            raise DuplicateSuspected(*guard.screen(user, duplicates))
    now = timezone.now()
    number = allocate_numbers(clean.region.code[:4], timezone.localtime(now).year)[0]
    registration = Registration(number=number, update_period=clean.period, region=clean.region,
                                channel=clean.channel, entered_by=user, entered_at=now, musdes=clean.musdes,
                                source_key=source_key, import_run=import_run, **clean.household)
    reason = _("registered (%(channel)s)") % {"channel": clean.channel}
    _stamp(registration, user, reason).save()
    _member_rows(registration, clean.members, user, reason)
    return registration


def _claim_version(registration: Registration, version: int) -> None:
    """Bump the version by compare-and-set; raise VersionConflict when someone else changed it first."""
    if Registration.objects.filter(pk=registration.pk, version=version).update(version=F("version") + 1) != 1:
        raise VersionConflict(_("The registration was changed by someone else: reload it and try again."))
    registration.version = version + 1


def check_editable(user, registration: Registration) -> None:
    if not can_enter(user):
        raise PermissionDenied(_("Your role may not change registrations."))
    if registration.status not in flows.EDITABLE:
        raise flows.TransitionError(registration.status, Status.SUBMITTED)


@transaction.atomic
def do_correct_registration(user, registration: Registration, clean: Clean, *, version: int,
                            reason: str = "") -> Registration:
    """Replace a registration's data (household fields and members) if `version` is still current."""
    check_editable(user, registration)
    _claim_version(registration, version)
    for name, value in clean.household.items():
        setattr(registration, name, value)
    registration.region = clean.region
    note = reason or _("corrected")
    _stamp(registration, user, note).save()
    for member in registration.members.all():
        _stamp(member, user, note).delete()
    _member_rows(registration, clean.members, user, note)
    return registration


@transaction.atomic
def do_set_status(user, registration: Registration, new: str, *, version: int | None = None,
                  note: str = "") -> Registration:
    """Move a registration along its flow (version-checked when a version is given)."""
    flows.check_transition(registration.status, new)
    if version is not None:
        _claim_version(registration, version)
    else:
        Registration.objects.filter(pk=registration.pk).update(version=F("version") + 1)
        registration.version += 1
    registration.status, registration.status_note = new, note[:255]
    _stamp(registration, user, note or str(Status(new).label)).save(
        update_fields=["status", "status_note", "version"])
    return registration


def do_withdraw_registration(user, registration: Registration, *, version: int, reason: str) -> Registration:
    """Withdraw a submitted registration (the applicant's wish, or entered by mistake)."""
    if not can_enter(user):
        raise PermissionDenied(_("Your role may not change registrations."))
    if not reason.strip():
        problems = Problems()
        problems.error("reason", _("Give the reason for withdrawing."))
        raise ValidationFailed(problems)
    return do_set_status(user, registration, Status.WITHDRAWN, version=version, note=reason.strip())
