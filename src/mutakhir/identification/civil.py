"""The civil-registry extract a match run checks registered people against (padan Dukcapil).

It is the district's latest extract that a verivali civil sync read successfully (verivali/sync_services.py):
the same file `mutakhir match --civil-registry` takes, so the web run and the command find the same.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.models import JobRun
from mutakhir.verivali.models import CivilSync


def latest_extract(region_code: str) -> CivilSync | None:
    """Return the district's newest finished civil sync whose extract is still on disk, or None."""
    syncs = CivilSync.objects.filter(region_code=region_code, job__state=JobRun.State.DONE).order_by("-created_at",
                                                                                                   "-pk")
    sync = syncs.first()
    return sync if sync is not None and Path(sync.extract).exists() else None


def extract_notice(region_code: str, *, now: dt.datetime | None = None) -> str:
    """Return what a match run of the district should say before it starts about its extract ("" if fresh)."""
    sync = latest_extract(region_code)
    if sync is None:
        return _("No civil-registry extract of this district has been synced (Verivali › Civil-registry sync): "
                 "the match run will not check registered people against the civil registry.")
    age = ((now or timezone.now()) - sync.created_at).days
    if age > settings.CIVIL_REGISTRY_MAX_AGE_DAYS:
        return _("The latest civil-registry extract of this district is %(days)s days old (uploaded %(date)s; "
                 "at most %(max)s days are expected): the match run will check against it, but sync a newer one.") \
            % {"days": age, "date": timezone.localtime(sync.created_at).date().isoformat(),
               "max": settings.CIVIL_REGISTRY_MAX_AGE_DAYS}
    return ""
