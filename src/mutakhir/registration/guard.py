"""What the duplicate guard may tell whom: named inside the user's scope, anonymous outside it, logged and limited.

The guard looks across the whole update period, because a household registered in another village is still
a duplicate. Answered as is, that made it a district-wide NIK/KK lookup for anyone who may enter a
registration: a village registrar learned which registration, elsewhere in the district, holds a NIK.

- A possible duplicate the user may read (`registrations_for`) is named: number and reason, as before.
- One outside the user's scope is still a duplicate (the entry stops), but the answer says only that the
  household is already registered in this update period elsewhere, and to ask the district office: no
  number, no village, no reason that would repeat the identity number found.
- Each such answer is written to the personal-data access log (who, which registration, from where) and
  counted per user; past OUTSIDE_PER_USER answers in the window, the user's entries are refused before the
  guard looks again (`check_guard_open`), so the lookup cannot be run as a harvest even without numbers.

The counter is the one every rate-limited page uses (core/public.py), kept in the cache: it also holds when
the entry's transaction rolls back.
"""

import logging

from django.utils.translation import gettext as _

from mutakhir.core import public
from mutakhir.core.models import PersonalDataAccess

from .access import registrations_for
from .duplicates import Duplicate
from .models import Registration

logger = logging.getLogger(__name__)
OUTSIDE_PER_USER = (10, 3600)  # at most 10 "registered outside your area" answers per user per hour


class GuardLimited(Exception):
    """The user had too many answers about households outside their area; the message is for the user."""


def _key(user) -> str:
    return f"duplicate-guard:outside:user:{user.pk}"


def check_guard_open(user) -> None:
    """Refuse the entry, before any lookup, when the user has used up their answers about other areas."""
    if public.limit_reached(_key(user), OUTSIDE_PER_USER):
        raise GuardLimited(_("Too many of your entries matched households registered outside your area in the "
                             "last hour. Wait an hour, or ask the district office to check the household."))


def outside_message() -> str:
    return _("already registered in this update period outside your area: ask the district office")


def screen(user, duplicates: list[Duplicate]) -> tuple[list[Duplicate], list[str]]:
    """Return (what the user is told, the numbers found outside their scope) and count an outside answer."""
    numbers = [d.number for d in duplicates]
    mine = set(registrations_for(user).filter(number__in=numbers).values_list("number", flat=True))
    shown = [d for d in duplicates if d.number in mine]
    outside = [number for number in numbers if number not in mine]
    if outside:
        shown.append(Duplicate("", outside_message()))
        if public.over_limit(_key(user), OUTSIDE_PER_USER):
            logger.warning("Duplicate guard: user %s is over their limit of answers about other areas.", user.pk)
    return shown, outside


def log_outside(request, numbers: list[str]) -> None:
    """Write each registration the guard found outside the user's scope to the personal-data access log."""
    for registration in Registration.objects.filter(number__in=numbers):
        PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, registration,
                                  fields="duplicate-guard:outside-scope")
