"""The citizen's own status check: full NIK + name, about that person only, rate-limited, padded in time.

Answers never reveal whether a NIK exists unless the name matches too; names are masked; nothing is
said about other people. Every looked-up answer takes at least MIN_SECONDS, so timing does not tell
either; a refusal (429) comes before any lookup and is not padded. The limits and the padding are the
ones every public page shares (core/public.py).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mutakhir.core import public
from mutakhir.core.nik import parse_nik
from mutakhir.registry.models import Member, name_key

from .flows import IN_PROCESS
from .models import RegistrationMember, Status

MIN_SECONDS = 0.4
PER_CLIENT = (20, 3600)  # at most 20 checks per client address per hour
PER_NIK = (5, 3600)  # at most 5 checks of one NIK per hour, from anywhere


@dataclass
class Answer:
    found: bool
    masked_name: str = ""
    registration: str = ""  # status label of the latest registration, "" if none
    registration_number: str = ""
    in_verification: bool = False
    in_registry: bool = False
    desil: str = ""
    programs: str = ""


def mask_name(name: str) -> str:
    """Return each word's first letter and stars: BUDI SANTOSO -> B*** S******."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name_key(name).split())


def rate_limited(client: str, nik: str) -> bool:
    """Count a check against the client's limit, then (only if within it) against the NIK's.

    A client already refused does not use up the NIK's checks: a hammering client could otherwise keep
    the real citizen from checking their own NIK (found by bench/load.py).
    """
    return public.rate_limited("citizen-status", client, nik, per_client=PER_CLIENT, per_key=PER_NIK)


def lookup(nik: str, name: str) -> Answer:
    """Return what the system holds about the person with this NIK and name (both must match)."""
    key = name_key(name)
    if not parse_nik(nik).valid or not key:
        return Answer(found=False)
    registered = (RegistrationMember.objects.filter(nik=nik, name_key=key).exclude(
        registration__status=Status.WITHDRAWN).select_related("registration").order_by("-registration__entered_at")
        .first())
    in_registry = Member.objects.active().filter(nik=nik, name_key=key).exists()
    if registered is None and not in_registry:
        return Answer(found=False)
    answer = Answer(found=True, masked_name=mask_name(name), in_registry=in_registry,
                    desil=str(_("not ranked yet")) if in_registry else "", programs=str(_("none recorded yet")))
    if registered is not None:
        reg = registered.registration
        answer.registration, answer.registration_number = str(reg.get_status_display()), reg.number
        answer.in_verification = reg.status in IN_PROCESS
    return answer


def padded(started: float) -> None:
    """Sleep until MIN_SECONDS have passed since `started` (time.monotonic())."""
    public.pad(started, MIN_SECONDS)
