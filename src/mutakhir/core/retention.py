"""Retention: what is deleted after how long (docs/security.md, "Retention"), run by `mutakhir purge`.

Each rule selects what has outlived its period and ends it; a dry run only counts. Periods are settings
(days), so the data protection officer can change them without a release. Registry households and
members, their history, registrations and decrees are not purged: aid decisions rest on them, and a
household or member leaves the registry by ending with a reason, never by deletion. Only the field
evidence of an accepted verification or a closed complaint (photos of the house, its coordinates) goes
after its period: the answers stay, the pictures of people's homes do not.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutakhir.complaints.models import Complaint
from mutakhir.complaints.models import Status as ComplaintStatus
from mutakhir.registration.models import RegistrationImport
from mutakhir.verification.models import Status as VerificationStatus
from mutakhir.verification.models import Verification

from .evidence import drop_evidence, with_evidence
from .models import JobRun, PersonalDataAccess

DEFAULT_DAYS = {
    "ACCESS_LOG": 5 * 365,  # personal-data access log: covers audit cycles
    "JOBS": 90,  # finished background jobs and task results: counts and ids, masked errors
    "LOGIN_FAILURES": 30,  # django-axes records of failed and successful logins
    "IMPORT_REPORTS": 90,  # bulk-import error reports: they quote rows of personal data
    "UPLOADS": 2,  # uploaded import files a job never picked up (a finished job deletes its own)
    "CIVIL_EXTRACTS": 30,  # civil-registry extracts of verivali syncs: the findings keep their evidence
    "FIELD_EVIDENCE": 2 * 365,  # photos and coordinates of houses, after the verification or complaint ended
}


def retention_days(name: str) -> int:
    return getattr(settings, "RETENTION_DAYS", {}).get(name, DEFAULT_DAYS[name])


def _cutoff(name: str):
    return timezone.now() - timedelta(days=retention_days(name))


@dataclass
class Rule:
    label: str
    period: str  # a DEFAULT_DAYS key, or "" when the row carries its own expiry
    select: Callable[[], object]  # a queryset of what has expired
    end: Callable[[object], int] = lambda qs: qs.delete()[0]


def _unreferenced_jobs(cutoff):
    """Finished jobs no run points at: a match or ranking run keeps its job as long as it exists."""
    jobs = JobRun.objects.filter(finished_at__lt=cutoff)
    for relation in JobRun._meta.related_objects:
        jobs = jobs.filter(**{f"{relation.name}__isnull": True})
    return jobs


def _drop_reports(imports) -> int:
    count = 0
    for item in imports.iterator():
        item.report.delete(save=False)
        RegistrationImport.objects.filter(pk=item.pk).update(report="")
        count += 1
    return count


class _OldFiles:
    """The files under a folder last written before a cutoff: uploads holding personal data."""

    def __init__(self, folder: Path, cutoff):
        stamp = cutoff.timestamp()
        self.folder = folder
        self.files = ([p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime < stamp]
                      if folder.is_dir() else [])

    def count(self) -> int:
        return len(self.files)


def _delete_files(old: _OldFiles) -> int:
    """Delete the files, then the folders they leave empty (an extract has a folder of its own)."""
    for path in old.files:
        path.unlink(missing_ok=True)
        if path.parent != old.folder and not any(path.parent.iterdir()):
            path.parent.rmdir()
    return len(old.files)


def rules() -> list[Rule]:
    failures = _cutoff("LOGIN_FAILURES")
    return [
        Rule("personal-data access log", "ACCESS_LOG",
             lambda: PersonalDataAccess.objects.filter(at__lt=_cutoff("ACCESS_LOG"))),
        Rule("background task results", "JOBS",
             lambda: DBTaskResult.objects.filter(finished_at__lt=_cutoff("JOBS"))),
        Rule("finished jobs without a run", "JOBS", lambda: _unreferenced_jobs(_cutoff("JOBS"))),
        Rule("failed-login records", "LOGIN_FAILURES", lambda: AccessAttempt.objects.filter(attempt_time__lt=failures)),
        Rule("login failure log", "LOGIN_FAILURES", lambda: AccessFailureLog.objects.filter(attempt_time__lt=failures)),
        Rule("login log", "LOGIN_FAILURES", lambda: AccessLog.objects.filter(attempt_time__lt=failures)),
        Rule("expired sessions", "", lambda: Session.objects.filter(expire_date__lt=timezone.now())),
        Rule("bulk-import error reports", "IMPORT_REPORTS",
             lambda: RegistrationImport.objects.filter(~Q(report=""), finished_at__lt=_cutoff("IMPORT_REPORTS")),
             _drop_reports),
        Rule("import uploads left behind", "UPLOADS",
             lambda: _OldFiles(Path(settings.VAR_DIR) / "uploads", _cutoff("UPLOADS")), _delete_files),
        Rule("civil-registry extracts", "CIVIL_EXTRACTS",
             lambda: _OldFiles(Path(settings.MEDIA_ROOT) / "verivali" / "extracts", _cutoff("CIVIL_EXTRACTS")),
             _delete_files),
        Rule("field evidence of verifications", "FIELD_EVIDENCE",
             lambda: with_evidence(Verification.objects.filter(status=VerificationStatus.ACCEPTED,
                                                               reviewed_at__lt=_cutoff("FIELD_EVIDENCE"))),
             drop_evidence),
        Rule("field evidence of complaints", "FIELD_EVIDENCE",
             lambda: with_evidence(Complaint.objects.filter(status=ComplaintStatus.CLOSED,
                                                            answered_at__lt=_cutoff("FIELD_EVIDENCE"))),
             drop_evidence),
    ]


def purge(*, dry_run: bool, progress: Callable[[int], None] = lambda done: None) -> list[tuple[Rule, int]]:
    """Apply every rule (or only count, on a dry run); return (rule, rows) in rule order."""
    done = []
    for i, rule in enumerate(rules(), 1):
        with transaction.atomic():
            selected = rule.select()
            count = selected.count() if dry_run else rule.end(selected)
        done.append((rule, count))
        progress(i)
    return done
