"""Import an agency extract and raise flags: check_* validates, do_* writes. No authorisation here.

The import row is committed first (status running); the rows, their problems and the flags are then
written in one transaction, so a failure leaves the import marked failed and nothing half-applied.
"""

import itertools
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.digests import file_sha256
from mutakhir.registry.exchange.writer import copy_rows
from mutakhir.registry.models import Household, Member
from mutakhir.verivali.models import Agency, Signal, SignalFlag, SignalImport, SignalIssue

from . import issues, rules
from .desil import desil_of, latest_run
from .reader import ExtractError, clean_rows, first_pass

BATCH = 2000
LIVE_FLAG = (SignalFlag.Status.OPEN, SignalFlag.Status.SENT, SignalFlag.Status.SELECTED)


class SignalError(Exception):
    """An import or a flag decision refused, with a message for the user."""


def upload_path() -> Path:
    """Return a new place for an uploaded extract, kept until its import job has read it."""
    return Path(settings.MEDIA_ROOT) / "verivali" / f"{uuid.uuid4().hex}.csv"


def check_import(agency: str, path: Path, region_code: str) -> str:
    """Refuse an unknown agency or an extract already imported for the same region; return its SHA-256."""
    if agency not in Agency.values:
        raise SignalError(_("Choose the agency of the extract."))
    sha = file_sha256(path)
    done = SignalImport.objects.filter(agency=agency, sha256=sha, region_id=region_code or None,
                                       status=SignalImport.Status.DONE).first()
    if done:
        raise SignalError(_("This extract was already imported on %(date)s (import #%(pk)s).")
                          % {"date": timezone.localtime(done.created_at).strftime("%Y-%m-%d %H:%M"), "pk": done.pk})
    return sha


def do_create_import(user, agency: str, source: str, sha: str, region_code: str, job=None) -> SignalImport:
    return SignalImport.objects.create(agency=agency, source=source[:255], sha256=sha, region_id=region_code or None,
                                       created_by=user, job=job)


@transaction.atomic
def do_start_import(user, agency: str, source: str, path: Path, region_code: str) -> SignalImport:
    """Check an uploaded extract and start its import job (the upload page and the API); SignalError if refused."""
    from mutakhir.core.jobs import start_job

    from .tasks import import_signals_task  # the task imports this module

    sha = check_import(agency, path, region_code)
    job = start_job(import_signals_task, "verivali-signals", user=user, region_code=region_code,
                    config={"path": str(path)})
    return do_create_import(user, agency, source, sha, region_code, job=job)


def do_import(signal_import: SignalImport, path: Path, progress=lambda done, total, note="": None) -> SignalImport:
    """Read the extract into signals, problems and flags; mark the import done, or failed (nothing applied)."""
    try:
        with transaction.atomic():
            counts = _import(signal_import, path, progress)
    except ExtractError as exc:
        _finish(signal_import, SignalImport.Status.FAILED, error=str(exc))
        raise SignalError(str(exc)) from exc
    except Exception as exc:
        _finish(signal_import, SignalImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    _finish(signal_import, SignalImport.Status.DONE, **counts)
    return signal_import


def _finish(signal_import: SignalImport, status: str, **fields) -> None:
    fields.update(status=status, finished_at=timezone.now())
    for name, value in fields.items():
        setattr(signal_import, name, value)
    SignalImport.objects.filter(pk=signal_import.pk).update(**fields)


def _import(signal_import: SignalImport, path: Path, progress) -> dict:
    agency, prefix = signal_import.agency, signal_import.region_id or ""
    first = first_pass(agency, path)
    progress(0, first.rows, _("checked %(n)s rows") % {"n": first.rows})
    context = Context(agency, prefix, latest_run(prefix))
    SignalIssue.objects.bulk_create(_owned(first.problems, signal_import), batch_size=BATCH)
    done = len(first.bad_rows)
    for batch in itertools.batched(clean_rows(agency, path, first.bad_rows), BATCH):
        context.apply(signal_import, batch)
        done += len(batch)
        progress(done, first.rows, _("%(n)s flags") % {"n": context.flags})
    return {"rows": first.rows, "applied": context.applied, "unmatched": context.unmatched,
            "rejected": len(first.bad_rows) + context.refused, "flags": context.flags}


def _owned(problems, signal_import):
    for problem in problems:
        problem.signal_import = signal_import
    return problems


class Context:
    """What the second pass keeps between batches: counts, the ranking run, flags already raised."""

    def __init__(self, agency: str, prefix: str, run):
        self.agency, self.prefix, self.run = agency, prefix, run
        self.applied = self.unmatched = self.refused = self.flags = 0

    def apply(self, signal_import: SignalImport, rows) -> None:
        by_nik = _members_by_nik([r.nik for r in rows if r.nik])
        by_kk = _households_by_kk([r.kk for r in rows if not r.nik])
        signals, problems = [], []
        for row in rows:
            found = by_nik.get(row.nik) if row.nik else None
            if not row.nik:
                households = by_kk.get(row.kk, [])
                if len(households) > 1:
                    problems.append(issues.issue(row.number, "no_kk", SignalIssue.Code.AMBIGUOUS_KK,
                                                 households=len(households)))
                    continue
                found = (None, *households[0], None) if households else None
            if found is None:
                self.unmatched += 1
                continue
            member_pk, household_pk, region, work_status = found
            if not region.startswith(self.prefix):
                problems.append(issues.issue(row.number, "nik" if row.nik else "no_kk",
                                             SignalIssue.Code.OUTSIDE_REGION, region=region[:4]))
                continue
            signal = Signal(signal_import=signal_import, household_id=household_pk, member_id=member_pk,
                            region_id=region, row=row.number, data=row.data)
            signal.work_status = work_status
            signals.append(signal)
        self.refused += len(problems)
        SignalIssue.objects.bulk_create(_owned(problems, signal_import), batch_size=BATCH)
        _insert_signals(signal_import, signals)
        self.applied += len(signals)
        self.flags += len(self.raise_flags(signals))

    def raise_flags(self, signals: list[Signal]) -> list[SignalFlag]:
        households = {h["pk"]: h for h in Household.objects.filter(pk__in={s.household_id for s in signals})
                      .values("pk", "household_id", *rules.HOUSEHOLD_FIELDS)}
        desil = desil_of(self.run, [h["household_id"] for h in households.values()])
        live, dismissed = _known_flags(households)
        flags = []
        for signal in signals:
            household = households[signal.household_id]
            level = desil.get(household["household_id"])
            member = {"work_status": signal.work_status} if signal.member_id else None
            for rule, evidence in rules.contradictions(self.agency, signal.data, household, member, level):
                key = (signal.household_id, rule)
                if key in live or (*key, _json(evidence)) in dismissed:
                    continue
                live.add(key)
                flags.append(SignalFlag(household_id=signal.household_id, region_id=signal.region_id,
                                        signal_id=signal.pk, rule=rule, evidence=evidence, desil=level,
                                        ranking_run_id=self.run.pk if level is not None else None))
        _insert(SignalFlag, ("household_id", "region_code", "signal_id", "rule", "evidence", "desil", "ranking_run_id",
                             "status", "note", "created_at"),
                [(f.household_id, f.region_id, f.signal_id, f.rule, json.dumps(f.evidence), f.desil, f.ranking_run_id,
                  SignalFlag.Status.OPEN, "", timezone.now()) for f in flags])
        return flags


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows without the ORM (COPY on PostgreSQL), like the registry import does.

    Like bulk_create, this writes no history rows: a flag's history starts with its first decision.
    """
    if rows:
        copy_rows(model._meta.db_table, [connection.ops.quote_name(c) for c in columns], rows)


def _insert_signals(signal_import: SignalImport, signals: list[Signal]) -> None:
    """Insert the signals, then read back their keys (row numbers are unique within an import)."""
    _insert(Signal, ("signal_import_id", "household_id", "member_id", "region_code", "row", "data"),
            [(signal_import.pk, s.household_id, s.member_id, s.region_id, s.row, json.dumps(s.data)) for s in signals])
    keys = dict(Signal.objects.filter(signal_import=signal_import, row__in=[s.row for s in signals])
                .values_list("row", "pk"))
    for signal in signals:
        signal.pk = keys[signal.row]


def _json(evidence: dict) -> str:
    return json.dumps(evidence, sort_keys=True)


def _known_flags(households) -> tuple[set, set]:
    """Return the (household, rule) pairs already flagged and live, and the dismissed ones with their evidence."""
    rows = SignalFlag.objects.filter(household_id__in=list(households)).values_list("household_id", "rule",
                                                                                     "status", "evidence")
    live = {(h, r) for h, r, status, _e in rows if status in LIVE_FLAG}
    dismissed = {(h, r, _json(e)) for h, r, status, e in rows if status == SignalFlag.Status.DISMISSED}
    return live, dismissed


def _active_members():
    return Member.objects.filter(ended_at__isnull=True, household__ended_at__isnull=True)


def _members_by_nik(niks: list[str]) -> dict[str, tuple]:
    """Return {NIK: (member, household, village, work status)} of active members (the oldest record wins)."""
    found = {}
    rows = (_active_members().filter(nik__in=niks).order_by("pk")
            .values_list("nik", "pk", "household_id", "household__region_id", "work_status"))
    for nik, *rest in rows:
        found.setdefault(nik, tuple(rest))
    return found


def _households_by_kk(kks: list[str]) -> dict[str, list[tuple]]:
    """Return {KK: [(household, village)]} of the active households holding the family card."""
    found = {}
    if not kks:
        return found
    rows = _active_members().filter(kk__in=kks).values_list("kk", "household_id", "household__region_id").distinct()
    for kk, household, region in rows:
        if (household, region) not in found.setdefault(kk, []):
            found[kk].append((household, region))
    return found


def check_decide(flag: SignalFlag, action: str, note: str) -> None:
    if action not in ("dismiss", "send"):
        raise SignalError(_("Choose dismiss or send to re-verification."))
    if flag.status not in (SignalFlag.Status.OPEN, SignalFlag.Status.SENT) or (
            action == "send" and flag.status == SignalFlag.Status.SENT):
        raise SignalError(_("This flag is %(status)s and cannot be changed.") % {"status": flag.get_status_display()})
    if action == "dismiss" and len(note.strip()) < 5:
        raise SignalError(_("Give the reason for dismissing the flag (at least 5 characters)."))


@transaction.atomic
def do_decide(flags, action: str, note: str, *, actor) -> int:
    """Dismiss flags or send them to re-verification (the next selection takes them first); return how many."""
    status = SignalFlag.Status.DISMISSED if action == "dismiss" else SignalFlag.Status.SENT
    changed = 0
    for flag in SignalFlag.objects.select_for_update().filter(pk__in=[f.pk for f in flags]):
        check_decide(flag, action, note)
        flag.status, flag.note, flag.decided_by, flag.decided_at = status, note.strip()[:500], actor, timezone.now()
        flag._change_reason = action
        flag._history_user = actor
        flag.save(update_fields=["status", "note", "decided_by", "decided_at"])
        changed += 1
    return changed
