"""The national inbox: receive a district package (checked on receipt), show its dry run, apply or refuse it.

Applying is a background job that merges the package all-or-nothing and records the answer in the same
transaction, so a kill mid-apply leaves neither a half merge nor a package marked applied that is not. In
one installation the district's record of the package it sent (`decrees.PackageDispatch`, matched by the
package's SHA-256) follows each answer at once; between installations it follows the acknowledgement file.
"""

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job
from mutakhir.registry.models import Household, Member, PackageSubmission

from . import PackageError, csv_rows
from .checks import Package, open_package, read_manifest
from .members import members_elsewhere
from .merge import merge

APPLY_JOB = "package-apply"
Status = PackageSubmission.Status
SHOWN = 50  # households changed since the decree, listed by name in the dry run


def inbox_dir() -> Path:
    path = Path(settings.VAR_DIR) / "packages"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _store(data: bytes, sha: str) -> Path:
    path = inbox_dir() / f"{sha}.zip"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def _peek(path: Path) -> dict:
    """Return the manifest of a refused package when it can be read at all (to say whose it was)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return read_manifest(archive)[0]
    except (PackageError, zipfile.BadZipFile, OSError):
        return {}


def package_district(data: bytes) -> str:
    """Return the district a package's manifest names ('' when it names none or cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return str(read_manifest(archive)[0].get("district") or "")
    except (PackageError, zipfile.BadZipFile, OSError):
        return ""


@transaction.atomic
def receive(data: bytes, *, user) -> PackageSubmission:
    """Store and check a package; return its submission, received or refused with the reason.

    Raise PackageError, keeping nothing, for a file that is not a package at all or was received already.
    """
    sha = hashlib.sha256(data).hexdigest()
    if PackageSubmission.objects.filter(sha256=sha).exclude(status=Status.REFUSED).exists():
        raise PackageError(_("This package was received already."))
    path = _store(data, sha)
    fields = {"file": str(path)[-255:], "received_by": user, "received_at": timezone.now(), "decided_by": None}
    try:
        package = open_package(path)
    except PackageError as exc:
        manifest = _peek(path)
        if not manifest:
            path.unlink(missing_ok=True)
            raise
        fields |= {"district": str(manifest.get("district") or "")[:4], "status": Status.REFUSED,
                   "decree_number": str(manifest.get("decree"))[:80], "reason": str(exc), "decided_at": timezone.now()}
    else:
        fields |= {"district": package.district, "decree_number": package.decree_number, "status": Status.RECEIVED,
                   "reason": "", "decided_at": None, "key_fingerprint": package.key_fingerprint,
                   "dry_run": dry_run(package)}
    # a package refused before (say, signed by a key not yet trusted) may be received again
    submission, _created = PackageSubmission.objects.update_or_create(sha256=sha, defaults=fields)
    _answer_district(submission)
    return submission


def _count(rows: list[dict], key: str, model) -> dict:
    known = set()
    ids = [r[key].strip() for r in rows]
    for i in range(0, len(ids), 2000):
        known |= set(model.objects.filter(**{f"{key}__in": ids[i:i + 2000]}).values_list(key, flat=True))
    ended = sum(1 for r in rows if (r.get("ended_at") or "").strip())
    new = sum(1 for r in rows if r[key].strip() not in known and not (r.get("ended_at") or "").strip())
    return {"new": new, "changed": len(rows) - new - ended, "ended": ended}


def dry_run(package: Package) -> dict:
    """Return what applying the package would do: households and members new / changed / ended, and conflicts:
    people also present in a household outside the package, households changed in the registry since the
    decree was approved."""
    with zipfile.ZipFile(package.path) as archive:
        households, members = csv_rows(archive, "households.csv"), csv_rows(archive, "members.csv")
        decree = json.loads(archive.read("decree.json"))
    approved = decree.get("approved_at") or ""
    ids = [r["household_id"].strip() for r in households]
    changed_since = sorted(Household.objects.filter(household_id__in=ids[:20000], updated_at__gt=approved)
                           .values_list("household_id", flat=True)) if approved else []
    return {"households": _count(households, "household_id", Household),
            "members": _count(members, "record_id", Member),
            "outcomes": {o: sum(1 for r in package.outcomes if r["outcome"] == o)
                         for o in sorted({r["outcome"] for r in package.outcomes})},
            "elsewhere": members_elsewhere(package.members, package.households)[:SHOWN],
            "changed_since": changed_since[:SHOWN], "changed_since_count": len(changed_since)}


def check_open(submission: PackageSubmission) -> None:
    if submission.status != Status.RECEIVED:
        raise PackageError(_("This package is %(status)s already.") % {"status": submission.get_status_display()})


def apply_jobs(submission: PackageSubmission):
    from mutakhir.core.models import JobRun

    return JobRun.objects.filter(kind=APPLY_JOB, config__submission=submission.pk).order_by("-created_at", "-pk")


@transaction.atomic
def do_start_apply(submission: PackageSubmission, *, actor):
    """Start merging a received package in the background (one job at a time per package); the row lock that
    makes it one job needs a transaction of its own when the caller (the inbox page) runs in autocommit."""
    from mutakhir.core.models import JobRun

    from .tasks import apply_package_task

    current = PackageSubmission.objects.select_for_update().get(pk=submission.pk)
    check_open(current)
    if apply_jobs(current).filter(state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING]).exists():
        raise PackageError(_("This package is being applied already."))
    job = start_job(apply_package_task, APPLY_JOB, user=actor, region_code=current.district,
                    config={"submission": current.pk, "decree": current.decree_number})
    PackageSubmission.objects.filter(pk=current.pk).update(job=job)
    return job


def apply_job(job, progress) -> dict:
    """The job's work: re-check the stored package, merge it and record the answer, all in one transaction.

    A package the merge refuses (its rows are not valid, it was merged already) is marked refused with why."""
    try:
        with transaction.atomic():
            submission = PackageSubmission.objects.select_for_update().get(pk=job.config["submission"])
            check_open(submission)
            result = merge(open_package(submission.file), user=job.created_by, progress=progress)
            submission.status, submission.counts = Status.APPLIED, result.counts
            submission.decided_by, submission.decided_at = job.created_by, timezone.now()
            submission.save(update_fields=["status", "counts", "decided_by", "decided_at"])
            _answer_district(submission)
    except PackageError as exc:
        submission = PackageSubmission.objects.get(pk=job.config["submission"])
        if submission.status == Status.RECEIVED:
            do_refuse(submission, reason=str(exc), actor=job.created_by)
        raise
    return {"package_import": result.pk, **result.counts}


@transaction.atomic
def do_refuse(submission: PackageSubmission, *, reason: str, actor) -> PackageSubmission:
    current = PackageSubmission.objects.select_for_update().get(pk=submission.pk)
    check_open(current)
    if len(reason.strip()) < 5:
        raise PackageError(_("Give the reason for refusing it (at least 5 characters)."))
    current.status, current.reason = Status.REFUSED, reason.strip()[:2000]
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _answer_district(current)
    return current


def acknowledgement(submission: PackageSubmission) -> dict:
    """Return the answer for the district, as the file that carries it between installations."""
    return {"kind": "package-acknowledgement", "district": submission.district, "decree": submission.decree_number,
            "sha256": submission.sha256, "status": submission.status, "reason": submission.reason,
            "at": (submission.decided_at or submission.received_at).isoformat()}


def _answer_district(submission: PackageSubmission) -> None:
    """In one installation, tell the district's record of the package at once."""
    from mutakhir.decrees.dispatch import record_answer

    record_answer(acknowledgement(submission))
