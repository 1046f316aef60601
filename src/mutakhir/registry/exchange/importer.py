"""`import_dataset`: read, validate and upsert a dataset, recording the run as an ImportBatch.

Modes:
- valid-rows (default): every valid row is committed, batch by batch; invalid rows are reported.
  A member whose household row was rejected is rejected too (reported as such); a valid household
  keeps its valid members even when some of its other members are rejected.
- all-or-nothing: one transaction; any row error rolls everything back (the report lists all errors).

File-level faults (not UTF-8, broken quoting, missing columns, bad checksum) reject the dataset in
both modes, before anything is written. Re-running is safe: rows are matched by household_id and
record_id, unchanged rows are left alone, changed rows get a history entry "import <sha>".
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.regions.models import Region
from mutakhir.registry.models import Household, ImportBatch, Member, UpdatePeriod

from .columns import BY_TABLE
from .dataset import Dataset, open_dataset, precheck
from .errors import IssueLog
from .reader import HouseholdIndex, present_columns, read_households, read_members
from .writer import Counts, TableWriter

BATCH_SIZE = 5000
Mode = ImportBatch.Mode
Status = ImportBatch.Status


@dataclass
class ImportResult:
    batch: ImportBatch
    log: IssueLog
    skipped: bool = False  # the same dataset was imported before and `force` was not given


class _Rollback(Exception):
    """Undo an all-or-nothing import that met errors."""


def import_dataset(location: str | Path, *, mode: str = Mode.VALID_ROWS, period: UpdatePeriod | None = None,
                   errors_path: str | Path | None = None, user=None, force: bool = False,
                   batch_size: int = BATCH_SIZE, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import a dataset folder or .zip; raise DatasetError when it cannot be opened at all."""
    log = IssueLog(errors_path)
    try:
        with open_dataset(location) as dataset:
            if not precheck(dataset, log):
                batch = _new_batch(dataset, mode, period, user, status=Status.FAILED)
                return ImportResult(_finish(batch, log, Status.FAILED), log)
            previous = (ImportBatch.objects.filter(dataset_sha256=dataset.sha256,
                                                   status__in=[Status.DONE, Status.PARTIAL]).first())
            if previous and not force:
                return ImportResult(previous, log, skipped=True)
            ImportBatch.objects.filter(dataset_sha256=dataset.sha256, status=Status.RUNNING).update(
                status=Status.INTERRUPTED)
            batch = _new_batch(dataset, mode, period, user)
            try:
                status = _run(dataset, batch, log, mode, period, user, batch_size, progress)
            except BaseException:
                ImportBatch.objects.filter(pk=batch.pk).update(status=Status.INTERRUPTED, finished_at=timezone.now())
                raise
            return ImportResult(_finish(batch, log, status), log)
    finally:
        log.close()


def _new_batch(dataset: Dataset, mode, period, user, status=Status.RUNNING) -> ImportBatch:
    return ImportBatch.objects.create(dataset_sha256=dataset.sha256, source=str(dataset.location)[-255:], mode=mode,
                                      status=status, update_period=period, user=user)


def _finish(batch: ImportBatch, log: IssueLog, status) -> ImportBatch:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.error_count, batch.warning_count = log.errors, log.warnings
    batch.errors_summary = log.summary(50)
    batch.save()
    return batch


def _run(dataset, batch, log, mode, period, user, batch_size, progress) -> str:
    """Write both tables; return the final status."""
    now = timezone.now()
    history = {"history_date": now, "history_change_reason": batch.change_reason,
               "history_user_id": user.pk if user else None}
    period_values = {"update_period_id": period.pk} if period else {}
    villages = frozenset(Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True))
    hh_source, m_source = dataset.sources["households"], dataset.sources.get("members")
    households = TableWriter(Household, "household_id", _fields("households", hh_source),
                             {"created_at": now, "updated_at": now, **period_values}, period_values, history,
                             hh_source.name)
    members = (TableWriter(Member, "record_id", _fields("members", m_source),
                           {"created_at": now, "updated_at": now}, {}, history, m_source.name) if m_source else None)
    index = HouseholdIndex()
    pks: dict[str, int] = {}
    total = dataset.total_rows
    all_or_nothing = mode == Mode.ALL_OR_NOTHING

    def write(writer, rows, offset, translate=None):
        for chunk in _chunks(rows, batch_size):
            last_row = chunk[-1][0]
            # all-or-nothing after an error: keep validating for the report, stop writing (it is rolled back)
            if not (all_or_nothing and log.errors):
                records = [_model_record(r, translate) for _, r in chunk]
                with transaction.atomic():
                    found = writer.write(records)
                    if writer is households:
                        pks.update(found)
                    _save_counts(batch, households, members, log)
            if progress:
                progress(offset + last_row - 1, total)

    def run_all():
        write(households, read_households(hh_source, log, villages, index, period.region_id if period else ""), 0)
        if members:
            write(members, read_members(m_source, log, index), hh_source.rows,
                  translate=lambda rec: rec | {"household_id": pks[rec["household_id"]]})

    if all_or_nothing:
        try:
            with transaction.atomic():
                run_all()
                if log.errors:
                    raise _Rollback
        except _Rollback:
            pass
    else:
        run_all()
    if progress:
        progress(total, total)
    failed = bool(log.errors and all_or_nothing)
    if failed:
        households.counts = Counts()
        if members:
            members.counts = Counts()
    _save_counts(batch, households, members, log, refresh=True)
    if failed:
        return Status.FAILED
    return Status.PARTIAL if log.errors else Status.DONE


def _fields(table, source) -> list[str]:
    by_name = {c.name: c for c in BY_TABLE[table]}
    return [by_name[name].field for name in present_columns(source)]


def _model_record(record: dict, translate) -> dict:
    out = {("region_id" if k == "region_code" else k): v for k, v in record.items()}
    return translate(out) if translate else out


def _chunks(iterable, size):
    it = iter(iterable)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _save_counts(batch, households, members, log, refresh=False):
    hc = households.counts
    mc = members.counts if members else None
    values = {"households_created": hc.created, "households_updated": hc.updated,
              "households_unchanged": hc.unchanged,
              "households_rejected": log.rejected_rows.get(households.source_name, 0),
              "error_count": log.errors, "warning_count": log.warnings}
    if mc:
        values |= {"members_created": mc.created, "members_updated": mc.updated, "members_unchanged": mc.unchanged,
                   "members_rejected": log.rejected_rows.get(members.source_name, 0)}
    ImportBatch.objects.filter(pk=batch.pk).update(**values)
    if refresh:
        for k, v in values.items():
            setattr(batch, k, v)


def describe(batch: ImportBatch) -> str:
    """Return a one-line summary of an import batch."""
    return _("%(status)s: households %(hc)s new, %(hu)s changed, %(hn)s unchanged, %(hr)s rejected; "
             "members %(mc)s new, %(mu)s changed, %(mn)s unchanged, %(mr)s rejected.") % {
        "status": batch.get_status_display(), "hc": batch.households_created, "hu": batch.households_updated,
        "hn": batch.households_unchanged, "hr": batch.households_rejected, "mc": batch.members_created,
        "mu": batch.members_updated, "mn": batch.members_unchanged, "mr": batch.members_rejected}
