"""Duplicates in the registry, for review: search a district (background job), then decide cluster by cluster.

A search exports the district's active registry, runs `dedup.find_duplicates` and stores its clusters.
A reviewer marks a cluster *duplicate* (one record is kept; the others are ended with reason
`duplicate`, a household with its members, each change in the record's history) or *distinct*
(later searches do not propose the same records again). check_* validate, do_* write.
"""

import csv
import hashlib
import tempfile
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job
from mutakhir.core.models import JobRun
from mutakhir.registry.exchange.exporter import export_dataset
from mutakhir.registry.models import EndReason, Household, Member

from .dedup import STEPS, find_duplicates
from .models import DedupRun, DuplicateCluster, DuplicateRecord

Kind, Status = DuplicateCluster.Kind, DuplicateCluster.Status
REASON_MAX = 100  # simple_history's change-reason column


class DuplicateError(Exception):
    """An action the current state does not allow; the message is for the user."""


def check_start_search(region) -> None:
    busy = DedupRun.objects.filter(region=region, job__state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING])
    if busy.exists():
        raise DuplicateError(_("A duplicate search of this district is already in progress."))


@transaction.atomic
def do_start_search(user, region) -> DedupRun:
    """Create the search and its job; the task starts once the transaction commits."""
    from .tasks import run_dedup_task  # tasks import this module

    job = start_job(run_dedup_task, "dedup", user=user, region_code=region.pk, config={"region": region.pk})
    return DedupRun.objects.create(region=region, job=job, created_by=user)


def cluster_key(kind: str, ids) -> str:
    return hashlib.sha256(f"{kind}:{','.join(sorted(ids))}".encode()).hexdigest()


def _read_clusters(path: Path, id_column: str) -> dict[str, tuple[list[str], float]]:
    """Return cluster id -> (record ids, best probability) of a dedup output file."""
    clusters = defaultdict(lambda: ([], 0.0))
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            ids, best = clusters[row["cluster_id"]]
            ids.append(row[id_column])
            clusters[row["cluster_id"]] = (ids, max(best, float(row["probability"])))
    return dict(clusters)


def do_run_search(run: DedupRun, progress) -> dict:
    """Export the district's registry, find duplicate clusters and store them (the task's work)."""
    total = len(STEPS) + 2
    progress(0, total, "exporting")
    with tempfile.TemporaryDirectory(prefix="mutakhir-dedup-") as tmp:
        root = Path(tmp)
        manifest = export_dataset(root / "registry", region=run.region_id)
        people = sum(f["rows"] for name, f in manifest["files"].items() if name.startswith("members"))
        if not people:
            summary = {"households": 0, "people": 0, "household_clusters": 0, "person_clusters": 0, "skipped": 0}
        else:
            find_duplicates(root / "registry", root / "out",
                            progress=lambda done, _total, note: progress(1 + done, total, note))
            progress(total - 1, total, "storing clusters")
            summary = store_clusters(run, _read_clusters(root / "out" / "households.csv", "household_id"),
                                     _read_clusters(root / "out" / "people.csv", "record_id"))
            summary["people"] = people
    run.summary = summary
    run.save(update_fields=["summary"])
    progress(total, total, "done")
    return summary


@transaction.atomic
def store_clusters(run: DedupRun, households: dict, people: dict) -> dict:
    """Store the clusters not already judged distinct; people inside a household cluster are left to it."""
    distinct = set(DuplicateCluster.objects.filter(run__region=run.region, status=Status.DISTINCT)
                   .values_list("key", flat=True))
    household_pk = dict(Household.objects.filter(household_id__in={h for ids, _p in households.values() for h in ids})
                        .values_list("household_id", "pk"))
    member_rows = {m["record_id"]: m for m in Member.objects.filter(
        record_id__in={r for ids, _p in people.values() for r in ids}).values("record_id", "pk", "household_id")}
    in_household_cluster = {household_pk[h]: cid for cid, (ids, _p) in households.items() for h in ids}
    skipped, created = 0, {Kind.HOUSEHOLD: 0, Kind.PERSON: 0}
    candidates = [(Kind.HOUSEHOLD, ids, p, [(household_pk[h], None) for h in ids]) for ids, p in households.values()]
    for ids, p in people.values():
        records = [(member_rows[r]["household_id"], member_rows[r]["pk"]) for r in ids]
        homes = {in_household_cluster.get(h) for h, _m in records}
        if len({h for h, _m in records}) > 1 and len(homes) == 1 and None not in homes:
            continue  # the same people in copies of one household: the household cluster covers them
        candidates.append((Kind.PERSON, ids, p, records))
    for kind, ids, probability, records in candidates:
        key = cluster_key(kind, ids)
        if key in distinct:
            skipped += 1
            continue
        cluster = DuplicateCluster.objects.create(run=run, kind=kind, key=key, probability=probability)
        DuplicateRecord.objects.bulk_create([DuplicateRecord(cluster=cluster, household_id=h, member_id=m)
                                             for h, m in records])
        created[kind] += 1
    return {"households": len(household_pk), "household_clusters": created[Kind.HOUSEHOLD],
            "person_clusters": created[Kind.PERSON], "skipped": skipped}


def latest_searches():
    """Return the finished searches that are the newest of their district."""
    newest = (DedupRun.objects.filter(job__state=JobRun.State.DONE).values("region")
              .annotate(last=Max("pk")).values("last"))
    return DedupRun.objects.filter(pk__in=newest)


def open_clusters(clusters):
    """Return the clusters of the newest searches still to review, with at least two records still active."""
    active = (Q(records__member__isnull=True, records__household__ended_at__isnull=True)
              | Q(records__member__isnull=False, records__member__ended_at__isnull=True))
    return (clusters.filter(run__in=latest_searches(), status=Status.OPEN)
            .annotate(active=Count("records", filter=active)).filter(active__gte=2)
            .select_related("run__region").order_by("run__region_id", "-probability", "pk"))


def active_records(cluster: DuplicateCluster) -> list[DuplicateRecord]:
    records = cluster.records.select_related("household__region", "member")
    return [r for r in records if (r.member or r.household).ended_at is None]


def check_decide(cluster: DuplicateCluster, decision: str, keep: str, note: str) -> DuplicateRecord | None:
    """Validate a decision; return the record to keep (for `duplicate`)."""
    if cluster.status != Status.OPEN:
        raise DuplicateError(_("This cluster has already been decided."))
    records = active_records(cluster)
    if len(records) < 2:
        raise DuplicateError(_("Fewer than two of these records are still active: nothing to decide."))
    if decision == Status.DISTINCT:
        if not note.strip():
            raise DuplicateError(_("Give a note when you mark records as distinct."))
        return None
    if decision != Status.DUPLICATE:
        raise DuplicateError(_("Choose duplicate or distinct."))
    kept = next((r for r in records if str(r.pk) == keep), None)
    if kept is None:
        raise DuplicateError(_("Choose the record to keep."))
    return kept


def _end(model, pks, reason: str, actor, now) -> int:
    """End active rows one by one (so each gets a history entry); return how many were ended."""
    ended = 0
    for obj in model.objects.select_for_update().filter(pk__in=pks, ended_at__isnull=True):
        obj.ended_at, obj.end_reason, obj.version = now, EndReason.DUPLICATE, obj.version + 1
        obj._change_reason, obj._history_user = reason[:REASON_MAX], actor
        obj.save(update_fields=["ended_at", "end_reason", "version", "updated_at"])
        ended += 1
    return ended


@transaction.atomic
def do_decide(user, cluster: DuplicateCluster, decision: str, kept: DuplicateRecord | None, note: str = "") -> int:
    """Record the decision; for `duplicate`, end every active record but the kept one. Return records ended."""
    claimed = DuplicateCluster.objects.filter(pk=cluster.pk, status=Status.OPEN).update(
        status=decision, kept=_label(kept) if kept else "", note=note.strip()[:2000], decided_by=user,
        decided_at=timezone.now())
    if claimed != 1:
        raise DuplicateError(_("This cluster has already been decided."))
    if kept is None:
        return 0
    now, others = timezone.now(), [r for r in active_records(cluster) if r.pk != kept.pk]
    reason = _("Duplicate of %(record)s") % {"record": _label(kept)}
    if cluster.kind == Kind.PERSON:
        return _end(Member, [r.member_id for r in others], reason, user, now)
    households = [r.household_id for r in others]
    members = Member.objects.filter(household__in=households).values_list("pk", flat=True)
    return _end(Household, households, reason, user, now) + _end(Member, list(members), reason, user, now)


def _label(record: DuplicateRecord) -> str:
    return record.member.record_id if record.member_id else record.household.household_id
