"""Civil-registry sync actions: start and run a sync, then apply or reject its proposed changes.

check_* validates, do_* writes (atomic, with registry history). No authorisation here (sync_access.py).
"""

import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutakhir.core.archives import check_zip_file
from mutakhir.core.jobs import start_job
from mutakhir.core.models import JobRun
from mutakhir.engines import get_engine
from mutakhir.registration.models import Registration, RegistrationMember
from mutakhir.registry.exchange.exporter import export_dataset
from mutakhir.registry.models import EndReason, Household, Member

from . import sync_engine
from .models import CivilSync, ProposedChange

BATCH = 2000
JOB_KIND = "civil_sync"
Kind, Status = ProposedChange.Kind, ProposedChange.Status


class SyncError(Exception):
    """An action the current state does not allow; the message is for the user."""


def extract_place(filename: str) -> tuple[Path, Path]:
    """Return where an uploaded extract (a .zip, or members.csv alone) is written, and what the sync reads.

    A zip keeps its (sanitised) name, which the zip guard's messages quote; members.csv is read by its folder."""
    folder = Path(settings.MEDIA_ROOT) / "verivali" / "extracts" / uuid.uuid4().hex
    zip_name = get_valid_filename(Path(filename).name) if filename.lower().endswith(".zip") else ""
    target = folder / (zip_name or "members.csv")
    return target, (target if zip_name else folder)


def discard_extract(extract: Path) -> None:
    """Delete a refused extract (it holds personal data) and its folder."""
    folder = extract if extract.is_dir() else extract.parent
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


def check_start_sync(region_code: str, extract: str | Path) -> None:
    """Refuse a missing extract, a zip that is none or would unpack to something absurd (a zip bomb), or a
    second sync of a district while one is queued or running."""
    extract = Path(extract)
    if not extract.exists():
        raise SyncError(_("The extract %(path)s does not exist.") % {"path": extract})
    if extract.is_file() and extract.suffix.lower() == ".zip" and not zipfile.is_zipfile(extract):
        raise SyncError(_("%(name)s is not a zip file: upload a .zip holding members.csv, or members.csv itself.")
                        % {"name": extract.name})
    check_zip_file(extract, SyncError)  # the same guard as every zip the app reads, before the job inflates it
    busy = CivilSync.objects.filter(region_code=region_code, job__state__in=[JobRun.State.QUEUED,
                                                                            JobRun.State.RUNNING])
    if busy.exists():
        raise SyncError(_("A civil-registry sync of this region is already in progress."))


@transaction.atomic
def do_start_sync(user, region_code: str, extract: str | Path) -> CivilSync:
    """Create the sync and its job; the task starts once the transaction commits."""
    from .sync_tasks import run_sync_task  # the task imports this module

    job = start_job(run_sync_task, JOB_KIND, user=user, region_code=region_code, config={"extract": str(extract)})
    return CivilSync.objects.create(region_code=region_code, extract=str(extract), job=job, created_by=user)


def registrations_table() -> tuple:
    """Return (members, households) of every registration as all-text Arrow, `registered_on` = entry date."""
    import pyarrow as pa

    regs = Registration.objects.values_list("pk", "region_id", "entered_at")
    households = {"household_id": [], "region_code": [], "registered_on": []}
    for pk, region, entered_at in regs.iterator(BATCH):
        households["household_id"].append(str(pk))
        households["region_code"].append(region)
        households["registered_on"].append(timezone.localdate(entered_at).isoformat())
    members = {"record_id": [], "household_id": [], "nik": [], "kk": [], "name": [], "birth_date": [], "sex": []}
    rows = RegistrationMember.objects.values_list("pk", "registration_id", "nik", "kk", "name", "birth_date", "sex")
    for pk, reg, nik, kk, name, birth_date, sex in rows.iterator(BATCH):
        for key, value in zip(members, (f"m{pk}", str(reg), nik, kk, name, birth_date and birth_date.isoformat(),
                                        sex and str(sex)), strict=True):
            members[key].append(value or None)
    as_table = lambda d: pa.table({k: pa.array(v, pa.string()) for k, v in d.items()})  # noqa: E731
    return as_table(members), as_table(households)


def do_run_sync(sync: CivilSync, progress, engine_name: str = "duckdb") -> dict:
    """Export the registry, compare it with the extract, store the findings (the task's work)."""
    engine = get_engine(engine_name)
    try:
        with tempfile.TemporaryDirectory(prefix="mutakhir-sync-") as tmp:
            progress(0, None, "exporting the registry")
            export_dataset(Path(tmp) / "registry", region=sync.region_code, fmt="parquet")
            members, households = sync_engine.read_registry(Path(tmp) / "registry")
            inputs = sync_engine.SyncInputs(members, households, sync_engine.read_extract(sync.extract),
                                            registrations_table())
            summary = sync_engine.find_changes(engine, inputs, district=sync.region_code, progress=progress)
            stored = store_findings(sync, sync_engine.fetch_findings(engine))
    finally:
        engine.close()
    summary["stored"] = stored
    sync.summary = summary
    sync.save(update_fields=["summary"])
    return summary


@transaction.atomic
def store_findings(sync: CivilSync, findings: list[dict]) -> int:
    """Create a ProposedChange per finding; return how many."""
    created = 0
    for start in range(0, len(findings), BATCH):
        chunk = findings[start:start + BATCH]
        members = {m["record_id"]: m for m in Member.objects.filter(record_id__in=[f["record_id"] for f in chunk])
                   .values("record_id", "pk", "version", "household_id", "household__region_id")}
        ProposedChange.objects.bulk_create([
            ProposedChange(sync=sync, kind=f["kind"], member_id=m["pk"], household_id=m["household_id"],
                           region_id=m["household__region_id"], exact=bool(f["exact"]), problem=f["problem"] or "",
                           current_value=f["current_value"] or "", proposed_value=f["proposed_value"] or "",
                           member_version=m["version"], evidence=_evidence(f))
            for f in chunk if (m := members.get(f["record_id"]))])
        created += sum(1 for f in chunk if f["record_id"] in members)
    return created


def _evidence(finding: dict) -> dict:
    keys = ("method", "civil_record_id", "civil_line", "name_similarity", "civil_region", "registered_on")
    return {k: (str(finding[k]) if k == "registered_on" and finding[k] else finding[k]) for k in keys
            if finding[k] not in (None, "")}


def _lines(lines) -> str:
    flat = [str(n) for item in lines or () for n in (item if isinstance(item, list) else [item])]
    return ", ".join(flat)


def summary_messages(summary: dict) -> list[str]:
    """Return the summary's input problems as sentences for the user (rows are lines of members.csv)."""
    problems = {key: {**p, "lines": _lines(p.get("lines"))} for key, p in summary.get("input_problems", {}).items()}
    texts = {
        "duplicate_nik": lambda p: ngettext(
            "%(n)d NIK appears more than once in the extract (first rows: %(lines)s); its findings are flagged.",
            "%(n)d NIKs appear more than once in the extract (first rows: %(lines)s); their findings are flagged.",
            p["niks"]) % {"n": p["niks"], "lines": p["lines"]},
        "outside_region": lambda p: ngettext(
            "%(n)d extract row is a person of another region who is not in this registry (first rows: %(lines)s); "
            "ignored.",
            "%(n)d extract rows are people of another region who are not in this registry (first rows: "
            "%(lines)s); ignored.", p["rows"]) % {"n": p["rows"], "lines": p["lines"]},
        "bad_region_code": lambda p: _(
            "%(n)d extract rows have no valid 10-digit village code in region_code (first rows: %(lines)s).")
        % {"n": p["rows"], "lines": p["lines"]},
        "bad_death_date": lambda p: _(
            "%(n)d extract rows have a death_date that is not a YYYY-MM-DD date (first rows: %(lines)s); no death "
            "was proposed for them.") % {"n": p["rows"], "lines": p["lines"]},
        "future_death_date": lambda p: _(
            "%(n)d extract rows have a death_date in the future (first rows: %(lines)s).")
        % {"n": p["rows"], "lines": p["lines"]},
    }
    return [texts[key](p) for key, p in problems.items()
            if key in texts and (p.get("niks") or p.get("rows"))]


# Applying and rejecting.

def check_decide(change: ProposedChange) -> None:
    """Refuse a change that was already decided, or that is flagged (it can only be rejected)."""
    if change.status != Status.PROPOSED:
        raise SyncError(_("This change was already decided (%(status)s).") % {"status": change.get_status_display()})


def check_apply(change: ProposedChange) -> None:
    check_decide(change)
    if change.kind == Kind.HOUSEHOLD_END:
        if change.household.members.active().exists():
            raise SyncError(_("The household %(household)s has a living member again: it cannot be closed. Reject "
                              "this change.") % {"household": change.household.household_id})
        return
    if change.problem:
        raise SyncError(_("This change is flagged (%(problem)s): it cannot be applied. Check the person and the "
                          "civil registry, then reject it.") % {"problem": change.get_problem_display()})
    if change.kind == Kind.NIK_CORRECTION and Member.objects.active().filter(nik=change.proposed_value) \
            .exclude(pk=change.member_id).exists():
        raise SyncError(_("The new NIK already belongs to another registry member: it cannot be applied."))


class StaleChange(SyncError):
    """The member changed (or ended) after the sync found this change; nothing was written."""


@transaction.atomic
def do_apply(change: ProposedChange, actor) -> ProposedChange:
    """Apply one change to the registry with a history entry; raise SyncError if it can't be (nothing written).

    Both claims are compare-and-set: the change from proposed to applied, the member from the version
    the sync saw to the next. Applying twice, or a change whose member was edited since, writes nothing.
    """
    check_apply(change)
    now = timezone.now()
    claimed = ProposedChange.objects.filter(pk=change.pk, status=Status.PROPOSED).update(
        status=Status.APPLIED, decided_by=actor, decided_at=now)
    if not claimed:
        raise SyncError(_("This change was already decided by somebody else."))
    if change.kind == Kind.HOUSEHOLD_END:
        _close_household(change, now, actor)
        change.refresh_from_db()
        return change
    if not Member.objects.filter(pk=change.member_id, version=change.member_version, ended_at__isnull=True) \
            .update(version=F("version") + 1):
        raise StaleChange(_("The member %(record)s changed after this sync (edited, ended or another change "
                            "applied): nothing was applied. Run a new sync, or reject this change.")
                          % {"record": change.member.record_id})
    member = Member.objects.select_related("household").get(pk=change.member_id)
    _change_member(member, change, now, actor, change.sync.change_reason)
    change.refresh_from_db()
    return change


def _change_member(member: Member, change: ProposedChange, now, actor, reason: str) -> None:
    member._change_reason, member._history_user = reason, actor
    if change.kind in (Kind.DEATH, Kind.MOVE):
        member.ended_at = now
        member.end_reason = EndReason.DIED if change.kind == Kind.DEATH else EndReason.MOVED
        member.save(update_fields=["ended_at", "end_reason", "version", "updated_at"])
        if change.kind == Kind.MOVE:
            _end_household_if_all_moved(member.household, now, actor, reason)
        else:
            _propose_household_end(change, member)
        return
    field = "kk" if change.kind == Kind.KK_CHANGE else "nik"
    setattr(member, field, change.proposed_value)
    member.save(update_fields=[field, "version", "updated_at"])


def _end_household_if_all_moved(household: Household, now, actor, reason: str) -> None:
    if household.ended_at or household.members.active().exists():
        return
    household.ended_at, household.end_reason = now, EndReason.MOVED
    household.version += 1
    household._change_reason, household._history_user = reason, actor
    household.save(update_fields=["ended_at", "end_reason", "version", "updated_at"])


def _propose_household_end(death: ProposedChange, member: Member) -> ProposedChange | None:
    """Propose closing the household if the applied death left it without a living member.

    Never applied here: an operator decides it like any other change (and never in bulk), since a
    household with nobody left alive may still hold a member the registry does not know yet.
    """
    household = member.household
    if household.ended_at or household.members.active().exists() or ProposedChange.objects.filter(
            household=household, kind=Kind.HOUSEHOLD_END, status=Status.PROPOSED).exists():
        return None
    ended = dict(household.members.values_list("record_id", "end_reason"))
    return ProposedChange.objects.create(
        sync=death.sync, kind=Kind.HOUSEHOLD_END, member=member, household=household, region_id=household.region_id,
        exact=False, current_value="", proposed_value=EndReason.DIED, member_version=member.version,
        household_version=household.version,
        evidence={"method": "no_living_member", "death_change": death.pk,
                  "died": sorted(r for r, why in ended.items() if why == EndReason.DIED),
                  "other_ended": sorted(r for r, why in ended.items() if why != EndReason.DIED)})


def _close_household(change: ProposedChange, now, actor) -> None:
    """End the household of a claimed closing change, compare-and-set on the version the proposal saw."""
    if not Household.objects.filter(pk=change.household_id, version=change.household_version,
                                    ended_at__isnull=True).update(version=F("version") + 1):
        raise StaleChange(_("The household %(household)s changed after this change was proposed (edited or "
                            "ended): nothing was applied. Reject this change if it is no longer right.")
                          % {"household": change.household.household_id})
    household = Household.objects.get(pk=change.household_id)
    household.ended_at, household.end_reason = now, change.proposed_value
    household._change_reason, household._history_user = change.sync.change_reason, actor
    household.save(update_fields=["ended_at", "end_reason", "version", "updated_at"])


@transaction.atomic
def do_reject(change: ProposedChange, actor, note: str = "") -> ProposedChange:
    check_decide(change)
    if not ProposedChange.objects.filter(pk=change.pk, status=Status.PROPOSED).update(
            status=Status.REJECTED, decided_by=actor, decided_at=timezone.now(), decision_note=note[:255]):
        raise SyncError(_("This change was already decided by somebody else."))
    change.refresh_from_db()
    return change


def bulk_candidates(changes):
    """Return the changes bulk-apply applies: exact, unflagged, proposed, never a household's end."""
    return changes.filter(status=Status.PROPOSED, exact=True, problem="").exclude(kind=Kind.HOUSEHOLD_END)


def bulk_summary(changes) -> dict:
    """Return what bulk-apply would do to `changes`: how many changes by kind, households, members and villages."""
    todo = bulk_candidates(changes)
    figures = todo.aggregate(changes=Count("pk"), households=Count("household", distinct=True),
                             members=Count("member", distinct=True), villages=Count("region", distinct=True))
    by_kind = todo.values("kind").annotate(n=Count("pk")).order_by("kind")
    return {**figures, "by_kind": [(Kind(row["kind"]).label, row["n"]) for row in by_kind]}


def do_bulk_apply(changes, actor) -> tuple[int, list[str]]:
    """Apply every exact, unflagged, proposed change of `changes`; return (applied, messages of the others).

    Each change is its own transaction: a stale one is reported and the rest still applied.
    """
    applied, problems = 0, []
    todo = bulk_candidates(changes).select_related("member", "sync")
    for change in todo.order_by("pk").iterator(BATCH):
        try:
            do_apply(change, actor)
        except SyncError as exc:
            problems.append(str(exc))
        else:
            applied += 1
    return applied, problems
