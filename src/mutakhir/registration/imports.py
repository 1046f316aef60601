"""Bulk import of registrations from an exchange-format dataset (.zip of CSVs, or the .xlsx template).

Rows are validated by registry.exchange's reader (through `exchange_adapter`): a bad row is reported
with its file, row and column and skipped; every valid row is kept. A household is rejected as a whole
when, after its members' rows are read, it has no head or more than one. Re-importing is safe: the
same dataset (by SHA-256) is not imported twice into a period, and a household whose `household_id`
already came into the period is skipped, so no registration is duplicated.

The duplicate guard of single entry applies too (duplicates.py): a household sharing a NIK or KK with a
registration of the period or with an earlier household of the file, or looking like a registered one
(same head's name, similar address, same village), is reported in the error report with the reason and
the registration number, and left out. The form's confirmation has an equivalent: the operator may
upload again with "import suspected duplicates anyway" (`allow_duplicates`); the same file is accepted
again only then, and only when its earlier import left suspected duplicates out.

The files are read and checked once, before anything is written (so a background job's progress, a
separate write, is seen while it reads): valid member rows are spooled to a temporary file, then
inserted with `executemany` (bulk.py). All writes are one transaction: a crash leaves nothing
half-imported, and running it again works; the unique (period, household id) constraint refuses a
concurrent import of the same households. History rows are written at the end, server-side
(`INSERT ... SELECT`).
"""

import csv
import itertools
import tempfile
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.core.jobs import Progress
from mutakhir.core.spreadsheets import Spreadsheet, from_csv_field
from mutakhir.regions.models import Region
from mutakhir.registry.models import name_key

from .bulk import Inserter, Spool
from .duplicates import Candidate, find_file_duplicates, find_import_duplicates
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

REPORT_EVERY = 5000  # rows between two progress reports
TEXT = {"address", "rt", "rw", "nik", "kk", "birth_place"}  # empty text is "", not NULL
State = RegistrationImport.State


def import_registrations(path, *, period, user, source_name: str = "", allow_duplicates: bool = False,
                         progress: Progress | None = None, time_limit: float | None = None) -> RegistrationImport:
    """Import a dataset file into `period` as `user`; return the finished RegistrationImport.

    `allow_duplicates` imports the households the duplicate guard suspects (each is still reported).
    `progress(done, total, note)` hears of the rows read; the database is written in one transaction at
    the end (a job's progress written inside it would not be seen until it commits). An import still
    reading or checking after `time_limit` seconds is stopped there and fails, with nothing written.
    """
    report = progress or _quiet
    step = _within(report, time_limit) if time_limit is not None else report
    with tempfile.TemporaryDirectory(prefix="mutakhir-regimport-") as tmp:
        log = IssueLog(Path(tmp) / "issues.csv")
        run = RegistrationImport(source=(source_name or Path(path).name)[-255:], update_period=period, user=user)
        try:
            step(0, None, _("Opening the file"))
            with open_upload(path, step) as dataset:
                step(0, None, _("Checking the file"))
                ok = precheck(dataset, log)
                run.dataset_sha256 = dataset.sha256
                previous = RegistrationImport.objects.filter(
                    dataset_sha256=dataset.sha256, update_period=period, state__in=[State.DONE, State.PARTIAL])
                if allow_duplicates:  # the operator confirms what an earlier import of this file left out
                    previous = previous.filter(duplicates=0)
                previous = previous.first()
                if ok and previous is not None:
                    run.state = State.FAILED
                    run.message = _("This file was already imported into this period (import #%(id)s on %(date)s): "
                                    "nothing was changed.") % {"id": previous.pk,
                                                               "date": timezone.localtime(previous.started_at).date()}
                elif ok:
                    counter = _Counter(step, dataset.total_rows)
                    plan = _read(dataset, run, log, period, Spool(Path(tmp) / "members.pickle"), allow_duplicates,
                                 counter)
                    if plan is not None:
                        step(counter.total, counter.total,
                             _("Saving the registrations (%(n)s households)") % {"n": len(plan[0])})
                        with transaction.atomic():
                            run.save()
                            _write(run, period, user, *plan)
                else:
                    run.state = State.FAILED
                    run.message = _("The file cannot be imported: see the error report.")
        except DatasetError as exc:
            # The message may name the file by its place on the server (the private upload folder): name it
            # as the user knows it instead.
            run.state, run.message = State.FAILED, str(exc).replace(str(path), run.source)
        log.close()
        run.errors, run.warnings = log.errors, log.warnings
        run.finished_at = timezone.now()
        run.save()
        if log.errors or log.warnings:
            report(0, None, _("Writing the error report"))
            run.report.save(f"registration-import-{run.pk}-errors.xlsx",
                            ContentFile(issues_to_xlsx(log.path)), save=True)
    return run


def _quiet(done, total=None, note=""):
    pass


def _within(progress: Progress, seconds: float) -> Progress:
    """Return `progress` that raises DatasetError once `seconds` have passed (a budget, checked at each step)."""
    deadline = time.monotonic() + seconds

    def step(done, total=None, note=""):
        if time.monotonic() >= deadline:
            raise DatasetError(_("The import was stopped after %(minutes)s minutes, the time an import may take, so "
                                 "that other jobs can run: nothing was saved. Split the file and upload the parts "
                                 "one after the other.") % {"minutes": f"{seconds / 60:g}"})
        progress(done, total, note)
    return step


class _Counter:
    """Report the rows read, every REPORT_EVERY rows, as progress of `total` (the dataset's data rows)."""

    def __init__(self, step: Progress, total: int):
        self.step, self.total, self.done = step, max(total, 1), 0

    def count(self, rows, note: str):
        self.step(self.done, self.total, note)
        for item in rows:
            self.done += 1
            if self.done % REPORT_EVERY == 0:
                self.step(min(self.done, self.total), self.total, note)
            yield item


def _read(dataset, run, log, period, spool, allow_duplicates, counter):
    """Read, check and guard the whole file (no writes); return what `_write` needs, or None when failed."""
    villages = frozenset(Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=period.region_id)
                         .values_list("code", flat=True))
    index = HouseholdIndex()
    households = dict(_accepted(counter.count(read_households(dataset.sources["households"], log, villages, index,
                                                              period.region_id), _("Reading the households"))))
    members_source = dataset.sources.get("members")
    if members_source is None:
        log.error("members.csv", 0, "", "missing_file", _("The dataset has no members: every household needs a head."))
        run.state = State.FAILED
        return None
    candidates = _read_members(counter.count(read_members(members_source, log, index), _("Reading the members")),
                               members_source, households, log, spool)
    _check_heads(households, candidates, index, log)
    already = households.keys() & set(Registration.objects.filter(update_period=period).exclude(source_key="")
                                      .values_list("source_key", flat=True))
    for hid in already:
        del households[hid]
    counter.step(counter.done, counter.total, _("Looking for duplicates"))
    run.duplicates = _guard(period, households, candidates, index, log, allow_duplicates)
    run.already = len(already)
    run.rejected = log.rejected_rows.get(index.file, 0)
    return households, spool, log


def _write(run, period, user, households, spool, log) -> None:
    """Write the registrations, their members and history (inside the caller's transaction)."""
    keys = _insert_registrations(households, run, period, user)
    Inserter(RegistrationMember).insert(_member_rows(spool, keys))
    run.created = len(keys)
    _history(run, user)
    run.state = State.PARTIAL if log.errors else State.DONE


def _accepted(rows):
    for row, record in rows:
        yield record["household_id"], (row, record)


def _read_members(rows, source, households, log, spool) -> dict[str, Candidate]:
    """Read and check the members once: spool the valid ones; return what the head check and the guard need."""
    candidates: dict[str, Candidate] = {}
    for row, member in rows:
        hid = member["household_id"]
        if why := name_problem(member["name"]):
            log.error(source.name, row, "name", "bad_name", why, member["name"])
            continue
        if hid not in candidates:
            _row, record = households[hid]
            candidates[hid] = Candidate(record["region_code"], record.get("address", ""))
        found, key = candidates[hid], name_key(member["name"])
        if member.get("nik"):
            found.niks.add(member["nik"])
        if member.get("kk"):
            found.kks.add(member["kk"])
        is_head = member.get("relation") == 1
        found.heads += is_head
        found.people.append((member["name"], member.get("birth_date"), is_head))
        spool.append((hid, key, member))
    return candidates


def _check_heads(households, candidates, index, log) -> None:
    """Reject households without exactly one head among their valid members."""
    for hid, (row, _record) in list(households.items()):
        count = candidates[hid].heads if hid in candidates else 0
        if count != 1:
            message = (_("The household has no head among its valid members (relation 1).") if not count else
                       _("The household has %(n)s heads: exactly one member must be the head.") % {"n": count})
            log.error(index.file, row, "household_id", "heads", message, hid)
            del households[hid]


def _guard(period, households, candidates, index, log, allow: bool) -> int:
    """Apply the duplicate guard: report each suspected household with the reason and the registration it
    resembles, and leave it out unless `allow` (the operator's "import anyway"); return how many."""
    suspects = _same_file_duplicates(households, candidates)
    registered = find_import_duplicates(period, {h: candidates[h] for h in households if h not in suspects})
    suspects |= {hid: _("possible duplicate of registration %(number)s: %(reason)s")
                 % {"number": d.number, "reason": d.reason} for hid, d in registered.items()}
    for hid, message in suspects.items():
        row, _record = households[hid]
        if allow:
            log.warning(index.file, row, "household_id", "duplicate_imported",
                        _("Imported anyway: %(why)s.") % {"why": message}, hid)
        else:
            log.error(index.file, row, "household_id", "duplicate_suspected",
                      _("Not imported, %(why)s. Check it; to import it all the same, upload the file again with "
                        "“import suspected duplicates anyway”.") % {"why": message}, hid)
            del households[hid]
    return len(suspects)


def _same_file_duplicates(households, candidates) -> dict[str, str]:
    """Return {household id: why} for households sharing a NIK or KK with an earlier household of the file,
    or near-identical to an earlier one of the same village."""
    first: dict[str, str] = {}
    found: dict[str, str] = {}
    for hid in households:
        c = candidates[hid]
        for kind, value in [*(("NIK", n) for n in sorted(c.niks)), *(("KK", k) for k in sorted(c.kks))]:
            other = first.setdefault(f"{kind}{value}", hid)
            if other != hid and hid not in found:
                found[hid] = (_("the same %(kind)s %(value)s is in household %(other)s of this file (row %(row)s)")
                              % {"kind": kind, "value": value, "other": other, "row": households[other][0]})
    near = find_file_duplicates({hid: candidates[hid] for hid in households},
                                {hid: row for hid, (row, _record) in households.items()})
    return {**near, **found}


def _insert_registrations(households, run, period, user) -> dict[str, int]:
    """Create the registrations; return {household_id: registration id}."""
    now = timezone.now()
    numbers = allocate_numbers(period.region_id, timezone.localtime(now).year, len(households))
    Inserter(Registration).insert(
        {"number": number, "update_period_id": period.pk, "region_id": record["region_code"],
         "channel": Channel.IMPORT, "entered_by_id": user.pk, "entered_at": now, "source_key": hid,
         "import_run_id": run.pk, **{f: record.get(f, "" if f in TEXT else None) for f in HOUSEHOLD_FIELDS}}
        for number, (hid, (_row, record)) in zip(numbers, households.items(), strict=True))
    return dict(Registration.objects.filter(import_run=run).values_list("source_key", "pk"))


def _member_rows(spool, keys: dict[str, int]):
    """Yield the insert rows of the spooled members whose household was created, numbered within it."""
    positions: dict[str, int] = {}
    for hid, key, m in spool:
        registration_id = keys.get(hid)
        if registration_id is None:
            continue
        positions[hid] = position = positions.get(hid, 0) + 1
        yield {"registration_id": registration_id, "position": position, "source_key": m["record_id"],
               "name_key": key, **{f: m.get(f, "" if f in TEXT else None) for f in MEMBER_FIELDS}}


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


# The report's CSV keeps English column names and severities (the CLI's); the workbook a user opens says them so.
REPORT_WORDS = {"severity": gettext_lazy("severity"), "file": gettext_lazy("file"), "row": gettext_lazy("row"),
                "column": gettext_lazy("column"), "code": gettext_lazy("code"), "value": gettext_lazy("value"),
                "message": gettext_lazy("message"), "error": gettext_lazy("error"), "warning": gettext_lazy("warning")}


def issues_to_xlsx(csv_path: Path) -> bytes:
    """Return the row-level issue report (CSV written by IssueLog, formula-safe) as an .xlsx workbook."""
    workbook = Spreadsheet()
    sheet = workbook.sheet(_("Issues"))
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for n, record in enumerate(itertools.islice(csv.reader(fh), 1_000_001)):
            words = record if n == 0 else record[:1]  # the header, then each row's severity
            record = [str(REPORT_WORDS.get(v, v)) for v in words] + record[len(words):]
            sheet.append([int(v) if i == 2 and v.isdigit() else from_csv_field(v) for i, v in enumerate(record)])
    return workbook.to_bytes()
