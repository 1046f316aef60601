"""A new match-run version of a village's prelist takes over from the older ones: one current entry per household.

What happens to the older versions' entries when a version is frozen (decided for issue 15):
- settled: a household whose verification of the update period is submitted or accepted, or is held by a
  decree, is not copied into the new version: its entry stays current in the version it was verified in,
  so field teams do not visit it again (the verification's keys also make the database refuse a second one);
- open: every other entry of the older match-run versions (no verification, or one assigned, in draft or
  returned) retires, `superseded_by` naming the new version. An open verification moves to the new
  version's entry of the same registration and registry household, so the verifier keeps the work; when
  the new match changed the household, or dropped the registration, it is deleted (its history stays),
  since its answers describe a household the prelist no longer lists.
Re-verification (verivali) versions hold households no other version holds: they neither take over nor retire.
"""

from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .models import Prelist, PrelistEntry


def unsettled(results, period):
    """Return the match results whose registration and registry household have no settled verification in the
    period (submitted, accepted or in a decree): those are verified already and are not listed again."""
    from mutakhir.verification.models import Status, Verification

    done = (Verification.objects.filter(entry__prelist__update_period=period)
            .filter(Q(status__in=[Status.SUBMITTED, Status.ACCEPTED]) | Q(decree_items__isnull=False)))
    return (results.exclude(registration__in=done.filter(entry__registration__isnull=False)
                            .values("entry__registration_id"))
            .exclude(household__in=done.filter(entry__household__isnull=False).values("entry__household_id")))


def take_over(prelist: Prelist, user) -> None:
    """Move the open work of the village's older match-run versions to `prelist` and retire their open entries."""
    from mutakhir.verification.flows import EDITABLE
    from mutakhir.verification.models import Verification

    older = PrelistEntry.objects.current().filter(
        prelist__update_period_id=prelist.update_period_id, prelist__region_id=prelist.region_id,
        prelist__match_run__isnull=False, prelist__version__lt=prelist.version)
    open_work = (Verification.objects.select_for_update(of=("self",)).filter(entry__in=older, status__in=EDITABLE,
                                                                 decree_items__isnull=True).select_related("entry"))
    new = {e.registration_id: e for e in prelist.entries.all()}
    moved, dropped, now = [], [], timezone.now()
    for v in open_work:
        target = new.get(v.entry.registration_id)
        if target is None or target.household_id != v.entry.household_id:
            dropped.append(v.pk)
            continue
        v.entry, v.version, v.updated_at = target, v.version + 1, now
        moved.append(v)
    Verification.objects.filter(pk__in=dropped).delete()
    bulk_update_with_history(moved, Verification, ["entry", "version", "updated_at"], default_user=user,
                             default_change_reason=f"moved to prelist v{prelist.version}")
    older.filter(verification__isnull=True).update(superseded_by=prelist)
