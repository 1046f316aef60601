"""The desk's live NIK check against the unified database: what it may fill in, logged and limited.

A NIK is the region, the birth date and a serial, so a registrar or TKSK could enumerate the NIKs of their
area through this check. It therefore answers like a desk, not like a search:

- It offers only what the applicant's KTP, in the desk's hands, shows anyway, so that the form keeps the
  registry's spelling: name, sex, birth place and birth date. Not the KK number: that is typed from the
  family card the applicant brings, and offered here it would hand out, for any guessed NIK, the number
  that together with the NIK serves as a credential elsewhere (SIM-card registration, civil-registry
  services). The NIK itself is never echoed back either.
- Each record offered is written to the personal-data access log (the member, `identity-check`).
- At most PER_USER lookups per user per hour (the rate limits of core/public.py); past that the number's
  structure is still checked but the unified database is not asked.
"""

from mutakhir.core import public
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registry.models import Member

PER_USER = (60, 3600)  # a busy desk enters about 20 households (60 to 80 people) an hour
PREFILL = ("name", "sex", "birth_place", "birth_date")
LOGGED_FIELDS = "identity-check:" + ",".join(PREFILL)


def lookup(request, nik: str) -> tuple[Member | None, bool]:
    """Return (the active registry member with this NIK in the user's scope or None, whether rate-limited)."""
    if public.over_limit(f"identity-check:user:{request.user.pk}", PER_USER):
        return None, True
    known = Member.objects.visible_to(request.user).active().filter(nik=nik).select_related("household").first()
    if known is not None:
        PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, known, fields=LOGGED_FIELDS)
    return known, False


def prefill(member: Member) -> dict[str, str]:
    """Return the values the form may take from the registry (PREFILL only: no KK, no NIK)."""
    return {"name": member.name, "sex": member.sex or "", "birth_place": member.birth_place,
            "birth_date": member.birth_date.isoformat() if member.birth_date else ""}
