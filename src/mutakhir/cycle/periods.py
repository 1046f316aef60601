"""Update periods of a district: check_* validates, do_* writes (atomic, with history). No authorisation here.

Closing a period is refused while it still has work in motion (a running background job of its district, a
draft decree, verifications not yet accepted in the field): closing it would strand that work, since nothing
is registered, matched, verified or compiled into a closed period. The operator finishes or withdraws it first.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mutakhir.core.models import JobRun
from mutakhir.decrees.models import Decree
from mutakhir.registry.models import UpdatePeriod
from mutakhir.verification.models import Status as VerificationStatus
from mutakhir.verification.models import Verification

# The dates of a period in the order they must fall; a blank deadline is skipped.
DATE_ORDER = ["starts_on", "registration_deadline", "identification_deadline", "verification_deadline",
              "decree_deadline", "ends_on"]
OPEN_VERIFICATION = [VerificationStatus.ASSIGNED, VerificationStatus.DRAFT, VerificationStatus.SUBMITTED,
                     VerificationStatus.RETURNED]


class PeriodError(Exception):
    """A period change the rules refuse; the message says why, in the user's language."""


def _label(field: str) -> str:
    return str(UpdatePeriod._meta.get_field(field).verbose_name)


def date_problems(values: dict) -> dict[str, str]:
    """Return {field: message} for each date that falls before an earlier stage's date."""
    problems, previous = {}, None
    for field in DATE_ORDER:
        value = values.get(field)
        if value is None:
            continue
        if previous is not None and value < values[previous]:
            problems[field] = _("%(this)s must not fall before %(earlier)s.") % {
                "this": _label(field), "earlier": _label(previous)}
        previous = field
    return problems


def check_period_dates(values: dict) -> None:
    problems = date_problems(values)
    if problems:
        raise PeriodError(" ".join(problems.values()))


def check_open(period: UpdatePeriod) -> None:
    if period.status == UpdatePeriod.Status.OPEN:
        raise PeriodError(_("This update period is already open."))
    other = UpdatePeriod.objects.filter(region_id=period.region_id, status=UpdatePeriod.Status.OPEN)
    if other.exclude(pk=period.pk).exists():
        raise PeriodError(_("Another update period of this district is open: close it first."))


def close_blockers(period: UpdatePeriod) -> list[str]:
    """Return what keeps the period from closing: running jobs, draft decrees, unfinished verifications."""
    blockers = []
    jobs = JobRun.objects.filter(region_code__startswith=period.region_id,
                                 state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING]).count()
    if jobs:
        blockers.append(_("%(n)d background job(s) of the district queued or running.") % {"n": jobs})
    drafts = Decree.objects.filter(update_period=period, status=Decree.Status.DRAFT).count()
    if drafts:
        blockers.append(_("%(n)d draft decree(s) not yet approved.") % {"n": drafts})
    unfinished = Verification.objects.filter(update_period=period, status__in=OPEN_VERIFICATION).count()
    if unfinished:
        blockers.append(_("%(n)d verification(s) not yet accepted.") % {"n": unfinished})
    return blockers


def check_close(period: UpdatePeriod) -> None:
    if period.status == UpdatePeriod.Status.CLOSED:
        raise PeriodError(_("This update period is already closed."))
    blockers = close_blockers(period)
    if blockers:
        raise PeriodError(_("The update period cannot be closed yet: %s") % " ".join(blockers))


def _save(period: UpdatePeriod, *, actor, reason: str) -> UpdatePeriod:
    period._history_user = actor
    period._change_reason = reason
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as exc:  # two operators opening two periods at once: the constraint decides
        raise PeriodError(_("Another update period of this district is open: close it first.")) from exc
    return period


@transaction.atomic
def do_create_period(*, district: str, actor, values: dict) -> UpdatePeriod:
    """Create a closed period of `district`; the operator opens it when its registration starts."""
    check_period_dates(values)
    period = UpdatePeriod(region_id=district, status=UpdatePeriod.Status.CLOSED, **values)
    return _save(period, actor=actor, reason="created")


@transaction.atomic
def do_edit_period(period: UpdatePeriod, *, actor, values: dict) -> UpdatePeriod:
    check_period_dates(values)
    for field, value in values.items():
        setattr(period, field, value)
    return _save(period, actor=actor, reason="edited")


@transaction.atomic
def do_open_period(period: UpdatePeriod, *, actor) -> UpdatePeriod:
    period = UpdatePeriod.objects.select_for_update().get(pk=period.pk)
    check_open(period)
    period.status = UpdatePeriod.Status.OPEN
    return _save(period, actor=actor, reason="opened")


@transaction.atomic
def do_close_period(period: UpdatePeriod, *, actor) -> UpdatePeriod:
    period = UpdatePeriod.objects.select_for_update().get(pk=period.pk)
    check_close(period)
    period.status = UpdatePeriod.Status.CLOSED
    return _save(period, actor=actor, reason="closed")
