"""Bulk import of registrations from an exchange-format dataset (.zip of CSVs, or the .xlsx template).

Rows are validated by registry.exchange's reader (through `exchange_adapter`): a bad row is reported
with its file, row and column and skipped; every valid row is kept. A household is rejected as a whole
when, after its members' rows are read, it has no head or more than one. Re-importing is safe: the
same dataset (by SHA-256) is not imported twice into a period, and a household whose `household_id`
already came into the period is skipped, so no registration is duplicated.

One transaction for the whole file: a crash leaves nothing half-imported, and running it again works.
History rows are written at the end, server-side (`INSERT ... SELECT`), one per registration and member.
"""

import csv
import io
import itertools
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mutakhir.regions.models import Region
from mutakhir.registry.models import name_key

from .exchange_adapter import (
    DatasetError,
    HouseholdIndex,
    IssueLog,
    open_upload,
    precheck,
    read_households,
    read_members,
)
from .models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Channel, Registration, RegistrationImport, RegistrationMember
from .services import allocate_numbers
from .validation import name_problem

BATCH = 2000
TEXT = {"address", "rt", "rw", "nik", "kk", "birth_place"}  # empty text is "", not NULL
State = RegistrationImport.State


def import_registrations(path, *, period, user, source_name: str = "") -> RegistrationImport:
    """Import a dataset file into `period` as `user`; return the finished RegistrationImport."""
    with tempfile.TemporaryDirectory(prefix="mutakhir-regimport-") as tmp:
        log = IssueLog(Path(tmp) / "issues.csv")
        run = RegistrationImport(source=(source_name or Path(path).name)[-255:], update_period=period, user=user)
        try:
            with open_upload(path) as dataset:
                ok = precheck(dataset, log)
                run.dataset_sha256 = dataset.sha256
                previous = RegistrationImport.objects.filter(
                    dataset_sha256=dataset.sha256, update_period=period, state__in=[State.DONE, State.PARTIAL]).first()
                if ok and previous is not None:
                    run.state = State.FAILED
                    run.message = _("This file was already imported into this period (import #%(id)s on %(date)s): "
                                    "nothing was changed.") % {"id": previous.pk,
                                                               "date": timezone.localtime(previous.started_at).date()}
                elif ok:
                    with transaction.atomic():
                        run.save()
                        _run(dataset, run, log, period, user)
                else:
                    run.state = State.FAILED
                    run.message = _("The file cannot be imported: see the error report.")
        except DatasetError as exc:
            run.state, run.message = State.FAILED, str(exc)
        log.close()
        run.errors, run.warnings = log.errors, log.warnings
        run.finished_at = timezone.now()
        run.save()
        if log.errors or log.warnings:
            run.report.save(f"registration-import-{run.pk}-errors.xlsx",
                            ContentFile(issues_to_xlsx(log.path)), save=True)
    return run


def _run(dataset, run, log, period, user) -> None:
    villages = frozenset(Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=period.region_id)
                         .values_list("code", flat=True))
    index = HouseholdIndex()
    households = dict(_accepted(read_households(dataset.sources["households"], log, villages, index,
                                                period.region_id)))
    members_source = dataset.sources.get("members")
    if members_source is None:
        log.error("members.csv", 0, "", "missing_file", _("The dataset has no members: every household needs a head."))
        run.state = State.FAILED
        return
    heads: dict[str, int] = {}
    bad_names: set[int] = set()
    for row, member in read_members(members_source, log, index):
        if why := name_problem(member["name"]):
            log.error(members_source.name, row, "name", "bad_name", why, member["name"])
            bad_names.add(row)
        elif member["relation"] == 1:
            heads[member["household_id"]] = heads.get(member["household_id"], 0) + 1
    for hid, (row, _record) in list(households.items()):
        count = heads.get(hid, 0)
        if count != 1:
            message = (_("The household has no head among its valid members (relation 1).") if not count else
                       _("The household has %(n)s heads: exactly one member must be the head.") % {"n": count})
            log.error(index.file, row, "household_id", "heads", message, hid)
            del households[hid]
    already = households.keys() & set(Registration.objects.filter(update_period=period).exclude(source_key="")
                                      .values_list("source_key", flat=True))
    keys = _insert_registrations(households, already, run, period, user)
    _insert_members(members_source, index, keys, bad_names)
    run.created, run.already = len(keys), len(already)
    run.rejected = log.rejected_rows.get(index.file, 0)
    _history(run, user)
    run.state = State.PARTIAL if log.errors else State.DONE


def _accepted(rows):
    for row, record in rows:
        yield record["household_id"], (row, record)


def _insert_registrations(households, skip, run, period, user) -> dict[str, int]:
    """Create the registrations in batches; return {household_id: registration id}."""
    now = timezone.now()
    year = timezone.localtime(now).year
    keys: dict[str, int] = {}
    todo = [(hid, record) for hid, (_row, record) in households.items() if hid not in skip]
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        numbers = allocate_numbers(period.region_id, year, len(chunk))
        objs = [Registration(number=number, update_period=period, region_id=record["region_code"],
                             channel=Channel.IMPORT, entered_by=user, entered_at=now, source_key=hid, import_run=run,
                             **{f: record.get(f, "" if f in TEXT else None) for f in HOUSEHOLD_FIELDS})
                for number, (hid, record) in zip(numbers, chunk, strict=True)]
        Registration.objects.bulk_create(objs, batch_size=BATCH)
        if any(o.pk is None for o in objs):  # backends that do not return keys
            ids = dict(Registration.objects.filter(import_run=run, source_key__in=[h for h, _ in chunk])
                       .values_list("source_key", "pk"))
        else:
            ids = {o.source_key: o.pk for o in objs}
        keys.update(ids)
    return keys


def _insert_members(source, index, keys: dict[str, int], bad_names: set[int]) -> None:
    """Read the members again (issues were reported on the first pass) and create those of new registrations."""
    positions: dict[str, int] = {}
    batch = []
    for row, m in read_members(source, IssueLog(), index):
        registration_id = keys.get(m["household_id"])
        if registration_id is None or row in bad_names:
            continue
        positions[m["household_id"]] = position = positions.get(m["household_id"], 0) + 1
        batch.append(RegistrationMember(
            registration_id=registration_id, position=position, source_key=m["record_id"], name_key=name_key(m["name"]),
            **{f: m.get(f, "" if f in TEXT else None) for f in MEMBER_FIELDS}))
        if len(batch) >= BATCH:
            RegistrationMember.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    RegistrationMember.objects.bulk_create(batch, batch_size=BATCH)


def _history(run, user) -> None:
    """Write one '+' history row per imported registration and member, server-side."""
    reason = _("import %(sha)s") % {"sha": run.dataset_sha256[:12]}
    now = timezone.now()
    for model, where in ((Registration, "import_run_id = %s"),
                         (RegistrationMember, "registration_id IN (SELECT id FROM registration_registration "
                                              "WHERE import_run_id = %s)")):
        hist = model.history.model
        cols = ", ".join(f.column for f in hist.tracked_fields)
        table, hist_table = model._meta.db_table, hist._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {hist_table} ({cols}, history_date, history_change_reason, history_type, "  # noqa: S608
                f"history_user_id) SELECT {cols}, %s, %s, '+', %s FROM {table} WHERE {where}",
                [now, reason, user.pk, run.pk])


def issues_to_xlsx(csv_path: Path) -> bytes:
    """Return the row-level issue report (CSV written by IssueLog) as an .xlsx workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Issues"))
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for record in itertools.islice(csv.reader(fh), 1_000_001):
            sheet.append([int(v) if i == 2 and v.isdigit() else v for i, v in enumerate(record)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
