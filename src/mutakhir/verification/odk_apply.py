"""Write checked ODK/Kobo submissions: one transaction per batch, bulk inserts and updates with their history.

Each submission is one verification row (its answers are JSON), so a batch written whole or rolled back
whole leaves no submission half-applied. The verifications of a batch are locked while it is written;
should the bulk write still fail (another import took a household meanwhile), the batch is rolled back
and applied again one submission at a time through the services, each refusal reported on its row.
"""

import datetime as dt
from itertools import batched

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from mutakhir.core.evidence import attach

from .flows import TransitionError, check_transition
from .models import Source, Status, Verification, subject_fields
from .odk_evidence import photo_bytes
from .services import (
    VerificationError,
    check_editable,
    check_once,
    do_assign,
    do_save,
    holders,
    locked_ids,
    retired,
)

BATCH = 1000
FIELDS = ["verifier", "status", "outcome", "answers", "moved_to", "merged_into", "new_kk", "visited_on", "source",
          "instance_id", "form_version", "submitted_at", "version", "updated_at", *Verification.PHOTOS, "latitude",
          "longitude", "location_accuracy"]


def _visited_on(raw: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw.get("visited_on") or "")[:10])
    except ValueError:
        return None


def _check(existing: Verification | None, verifier, locked: set[int]) -> None:
    """Raise VerificationError when the submission may not replace the household's current verification."""
    if existing is None:
        return
    if existing.verifier_id != verifier.pk and existing.status != Status.ASSIGNED:
        raise VerificationError(_("Another verifier has verified this household already."))
    check_editable(existing)
    if existing.pk in locked:
        raise VerificationError(_("An approved decree holds this verification: change it through a correction "
                                  "decree."))
    try:
        check_transition(existing.status, Status.SUBMITTED)
    except TransitionError as exc:
        raise VerificationError(str(exc)) from exc


def _fill(v: Verification, p, form_version: str, now) -> Verification:
    raw = p.raw
    v.verifier, v.status, v.outcome, v.answers = p.verifier, Status.SUBMITTED, str(raw.get("outcome") or ""), p.answers
    v.moved_to, v.merged_into = str(raw.get("moved_to") or ""), str(raw.get("merged_into") or "")
    v.new_kk = str(raw.get("new_kk") or "")
    v.visited_on = _visited_on(raw) or v.visited_on or timezone.localdate()
    v.source, v.instance_id, v.form_version = Source.ODK, p.instance_id, form_version
    v.submitted_at = v.updated_at = now
    attach(v, photo_bytes(p.photos), p.location)
    v._history_user, v._change_reason = p.verifier, "submitted (ODK import)"
    return v


def _write_batch(batch: list, form_version: str, refuse) -> int:
    """Write one batch in one transaction; return how many submissions were applied."""
    now = timezone.now()
    with transaction.atomic():
        existing = {v.entry_id: v for v in
                    Verification.objects.select_for_update().filter(entry_id__in=[p.entry.pk for p in batch])}
        locked = locked_ids(v.pk for v in existing.values())
        fresh = [p.entry for p in batch if p.entry.pk not in existing]
        held, replaced = holders(fresh), retired(fresh)
        new, changed, refused = [], [], []
        for p in batch:
            current = existing.get(p.entry.pk)
            try:
                _check(current, p.verifier, locked)
                if current is None:  # a household is verified once per period, on its current entry
                    check_once(p.entry, held=held, replaced=replaced)
            except VerificationError as exc:
                refused.append((p, str(exc)))
                continue
            if current is None:
                new.append(_fill(Verification(entry=p.entry, region_id=p.entry.prelist.region_id,
                                              **subject_fields(p.entry)), p, form_version, now))
            else:
                current.version += 1
                changed.append(_fill(current, p, form_version, now))
        bulk_create_with_history(new, Verification, batch_size=BATCH)
        bulk_update_with_history(changed, Verification, FIELDS, batch_size=BATCH)
    for p, message in refused:
        refuse(p, message)
    return len(new) + len(changed)


def _apply_one(p, form_version: str) -> None:
    """Apply one submission through the services (assign, then submit), in its own savepoint."""
    with transaction.atomic():
        existing = Verification.objects.filter(entry=p.entry).first()
        _check(existing, p.verifier, locked_ids([existing.pk]) if existing else set())
        v = do_assign(p.entry, p.verifier, actor=p.verifier)
        raw = p.raw
        do_save(v, version=v.version, outcome=str(raw.get("outcome") or ""), answers=p.answers, actor=p.verifier,
                submit=True, moved_to=str(raw.get("moved_to") or ""), merged_into=str(raw.get("merged_into") or ""),
                new_kk=str(raw.get("new_kk") or ""), visited_on=_visited_on(raw), source=Source.ODK,
                instance_id=p.instance_id, form_version=form_version, photos=photo_bytes(p.photos),
                location=p.location)


def apply_clean(clean: list, form_version: str, refuse, progress=None) -> int:
    """Apply the submissions that passed every check; `refuse(p, message)` reports one refused on writing."""
    applied = done = 0
    for batch in batched(clean, BATCH):
        try:
            applied += _write_batch(list(batch), form_version, refuse)
        except IntegrityError:
            for p in batch:
                try:
                    _apply_one(p, form_version)
                    applied += 1
                except VerificationError as exc:
                    refuse(p, str(exc))
                except IntegrityError:
                    refuse(p, _("Another import applied this household or instance ID meanwhile."))
        done += len(batch)
        if progress:
            progress(done, len(clean))
    return applied
