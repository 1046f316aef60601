"""The citizen's own status check: full NIK + name, about that person only, rate-limited, padded in time.

Answers never reveal whether a NIK exists unless the name matches too; names are masked; nothing is
said about other people. Every looked-up answer takes at least MIN_SECONDS, so timing does not tell
either; a refusal (429) comes before any lookup and is not padded. The limits and the padding are the
ones every public page shares (core/public.py).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from mutakhir.core import public
from mutakhir.core.nik import parse_nik
from mutakhir.registry.models import Member, name_key

from .models import RegistrationMember, Status
from .progress import RANKING_STAGES, Progress, Stage, progress_of, registry_progress

MIN_SECONDS = 0.4
PER_CLIENT = (20, 3600)  # at most 20 checks per client address per hour
PER_NIK = (5, 3600)  # at most 5 checks of one NIK per hour, from anywhere


@dataclass
class Answer:
    found: bool
    masked_name: str = ""
    registration_number: str = ""  # the latest registration, "" if none
    stage: str = ""  # where the household stands (registration.progress), as the public may see it
    stage_at: datetime | None = None
    waiting: str = ""  # what it waits for, "" when nothing more is to come
    in_registry: bool = False
    shows_desil: bool = False  # the district publishes desil and programs (settings.PUBLIC_SHOWS_DESIL)
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


def shows_desil(region_code: str) -> bool:
    """Return whether the district of `region_code` shows desil and programs on the public check."""
    allowed = settings.PUBLIC_SHOWS_DESIL
    return "*" in allowed or region_code[:4] in allowed


def _programs(progress: Progress) -> str:
    if progress.stage == Stage.RANKED:
        return str(_("no program list drawn from this ranking yet"))
    return ", ".join(progress.programs) or str(_("none"))


def _answer(answer: Answer, progress: Progress, ranked: Progress) -> Answer:
    """Fill the stage from `progress`, and desil and programs from `ranked` where the district shows them;
    elsewhere a ranked household is only said to be ranked."""
    answer.shows_desil = shows_desil(progress.region_code)
    step, answer.waiting = progress.current, progress.waiting
    if step.stage in RANKING_STAGES and not answer.shows_desil:
        answer.stage, answer.waiting = str(_("Ranked by the national team")), ""
    else:
        answer.stage = step.text
    answer.stage_at = step.at
    if answer.shows_desil and ranked.desil is not None:
        answer.desil, answer.programs = str(ranked.desil), _programs(ranked)
    elif answer.shows_desil:
        answer.desil, answer.programs = str(_("not ranked yet")), str(_("none recorded yet"))
    return answer


def lookup(nik: str, name: str) -> Answer:
    """Return what the system holds about the person with this NIK and name (both must match).

    The same queries run whether or not anything matches (a miss is looked up as an empty registration and
    household), so the work done does not tell either.
    """
    key = name_key(name)
    if not parse_nik(nik).valid or not key:
        return Answer(found=False)
    registered = (RegistrationMember.objects.filter(nik=nik, name_key=key).exclude(
        registration__status=Status.WITHDRAWN).select_related("registration").order_by("-registration__entered_at")
        .first())
    member = (Member.objects.active().filter(nik=nik, name_key=key)
              .values_list("household__household_id", "household__region_id").first())
    registration = registered.registration if registered is not None else None
    progress = progress_of([registration] if registration else []).get(registration.pk if registration else None)
    household = registry_progress(*(member or ("", "")))
    if progress is None and member is None:
        return Answer(found=False)
    answer = Answer(found=True, masked_name=mask_name(name), in_registry=member is not None)
    if registration is not None:
        answer.registration_number = registration.number
    if progress is None:
        return _answer(answer, household, household)
    # registered again while already ranked in the unified database: the registration's stage, the rank it has
    return _answer(answer, progress, progress if progress.desil is not None else household)


def padded(started: float) -> None:
    """Sleep until MIN_SECONDS have passed since `started` (time.monotonic())."""
    public.pad(started, MIN_SECONDS)
