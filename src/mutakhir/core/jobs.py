"""Background jobs: a `JobRun` row per job, run by a Django task, with progress for the UI and CLI.

A running job beats: its process stamps `heartbeat_at` every JOB_HEARTBEAT_SECONDS from a small thread
(and at each progress step). A process killed by SIGKILL, the OOM killer or a power cut stops beating;
`sweep_stale_jobs` then marks its job interrupted, so the job stops polling as "running" forever and no
longer blocks a new run. It runs when a worker starts (`mutakhir worker`), every minute inside it, when a
job's progress line is polled, before an import is refused as busy, and from `mutakhir jobs sweep`.

A beat can be late for minutes while the process lives (SQLite busy with the job's own long write), hence
the long JOB_STALE_SECONDS. But a job records the process that claimed it (`worker`, host:pid): when that
process was on this host and is gone, the sweep marks the job at once.
"""

import contextlib
import datetime as dt
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from .logging import mask_identity_numbers
from .models import JobRun

Progress = Callable[[int, int | None, str], None]

# Stored on the row (and shown on the progress line); the template translates the state, this says why.
INTERRUPTED_ERROR = ("Terhenti: proses yang menjalankan tugas ini berhenti (dimatikan, listrik padam atau "
                     "kehabisan memori). Jalankan lagi. / Interrupted: the process running this job stopped. "
                     "Run it again.")


def start_job(task, kind: str, *, user=None, region_code: str = "", config: dict | None = None) -> JobRun:
    """Create a queued JobRun and enqueue `task(job_id)` once the transaction commits."""
    job = JobRun.objects.create(kind=kind, created_by=user, region_code=region_code, config=config or {})
    transaction.on_commit(lambda: task.enqueue(job.pk))
    return job


class Heartbeat(threading.Thread):
    """Stamp the running job's `heartbeat_at` every `interval` seconds until stopped, on its own connection.

    Not started inside a transaction (a test's, or a caller's): nobody else could see the beat anyway.
    A beat that cannot write (SQLite busy with the job's own long write transaction) is skipped.
    """

    def __init__(self, job_id: int, interval: float):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.interval, self.stopped = job_id, interval, threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                # A beat that fails is tried again at the next one; the sweep allows many missed beats.
                with contextlib.suppress(DatabaseError):
                    JobRun.objects.filter(pk=self.job_id, state=JobRun.State.RUNNING).update(
                        heartbeat_at=timezone.now())
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=self.interval + 5)


# The batch engines name their steps in English (they also run from the command line); a job page says them so.
STEP_NOTES = {
    "done": gettext_lazy("done"), "preparing": gettext_lazy("preparing"), "linking": gettext_lazy("linking"),
    "deciding households": gettext_lazy("deciding households"), "civil registry": gettext_lazy("civil registry"),
    "writing": gettext_lazy("writing"), "exporting": gettext_lazy("exporting"), "matching": gettext_lazy("matching"),
    "storing results": gettext_lazy("storing results"), "storing clusters": gettext_lazy("storing clusters"),
    "load": gettext_lazy("loading"), "score and rank": gettext_lazy("scoring and ranking"),
    "summarise": gettext_lazy("summarising"),
}


def step_note(note: str) -> str:
    """Return an engine's step name in the active language (any other note as it is)."""
    return str(STEP_NOTES.get(note, note))


def run_job(job_id: int, work: Callable[[JobRun, Progress], dict | None]) -> None:
    """Claim the job, run `work(job, progress)` while beating, and record the outcome on the row.

    A job that is not queued any more (already claimed, or finished) is left alone. A job the sweep
    marked interrupted that then finishes after all is recorded as done or failed: the outcome is true.
    """
    jobs = JobRun.objects.filter(pk=job_id)
    now = timezone.now()
    if jobs.filter(state=JobRun.State.QUEUED).update(state=JobRun.State.RUNNING, started_at=now,
                                                     heartbeat_at=now, worker=worker_id()) != 1:
        return

    def progress(done: int, total: int | None = None, note: str = "") -> None:
        jobs.update(done=done, total=total, note=step_note(note)[:200], heartbeat_at=timezone.now())

    heartbeat = None
    if not connection.in_atomic_block:
        heartbeat = Heartbeat(job_id, settings.JOB_HEARTBEAT_SECONDS)
        heartbeat.start()
    try:
        result = work(jobs.get(), progress)
    except Exception as exc:
        jobs.update(state=JobRun.State.FAILED, error=public_error(exc)[:4000], finished_at=timezone.now())
        raise
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    jobs.update(state=JobRun.State.DONE, result=result or {}, finished_at=timezone.now(), error="")


def public_error(exc: Exception) -> str:
    """Return an error as the job's page may show it: NIKs masked, the server's own folders not named.

    A database error's DETAIL or a bad input row may quote a NIK; a file error names the file's place on
    the server (var/uploads/..., where an upload waits for its job).
    """
    text = mask_identity_numbers(f"{type(exc).__name__}: {exc}")
    for folder in {str(settings.VAR_DIR), str(Path(settings.VAR_DIR).resolve())}:
        text = text.replace(folder, "var")
    return text


def worker_id() -> str:
    """Return this process as a job's `worker`: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, under another account
        pass
    return False


def dead_worker_jobs() -> list[int]:
    """Return the running jobs claimed by a process of this host that no longer exists.

    A process id taken over by a new process looks alive: such a job waits for the heartbeat test instead.
    """
    host = socket.gethostname() + ":"
    running = JobRun.objects.filter(state=JobRun.State.RUNNING, worker__startswith=host)
    return [pk for pk, worker in running.values_list("pk", "worker")
            if worker[len(host):].isdigit() and _gone(int(worker[len(host):]))]


def stale_jobs(stale_seconds: float | None = None, *, now: dt.datetime | None = None):
    """Return running jobs silent for over `stale_seconds` (default JOB_STALE_SECONDS) or whose process is gone."""
    seconds = settings.JOB_STALE_SECONDS if stale_seconds is None else stale_seconds
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=seconds)
    # Rows claimed before heartbeats existed have none: their start is their last sign of life.
    return JobRun.objects.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
                                 | Q(pk__in=dead_worker_jobs()), state=JobRun.State.RUNNING)


def sweep_stale_jobs(stale_seconds: float | None = None, *, jobs=None) -> int:
    """Mark running jobs whose process has stopped beating as interrupted; return how many.

    One UPDATE whose WHERE repeats the staleness test, so a job that beat meanwhile is left running; a job
    whose process on this host is gone is marked without waiting for its beat to age.
    `jobs` narrows the sweep (e.g. to the job whose progress line is being polled).
    """
    now = timezone.now()
    stale = stale_jobs(stale_seconds, now=now)
    if jobs is not None:
        stale = stale.filter(pk__in=jobs.values("pk"))
    return stale.update(state=JobRun.State.INTERRUPTED, error=INTERRUPTED_ERROR, finished_at=now)


class Sweeper(threading.Thread):
    """Sweep every `interval` seconds until stopped (inside a long-lived worker)."""

    def __init__(self, interval: float):
        super().__init__(name="job-sweeper", daemon=True)
        self.interval, self.stopped = interval, threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                with contextlib.suppress(DatabaseError):  # busy or away: the next round tries again
                    sweep_stale_jobs()
        finally:
            connection.close()


# Who may follow a job's progress line: whoever may read what that kind of job makes, in the job's region
# (a progress line names files, villages and counts). A kind missing here is followed by nobody.
JOB_READERS = {
    "registration_import": "mutakhir.registration.access.can_import",
    "match": "mutakhir.identification.access.can_read_runs",
    "dedup": "mutakhir.identification.access.can_read_dedup",
    "ranking": "mutakhir.ranking.access.can_read_runs",
    "civil_sync": "mutakhir.verivali.sync_access.can_read",
    "verivali-signals": "mutakhir.verivali.signals.access.can_read",
    "decree-approve": "mutakhir.decrees.access.can_read",
    "targeting-list": "mutakhir.targeting.access.can_read",
    "targeting-preview": "mutakhir.targeting.access.can_read",
    "verification-odk-import": "mutakhir.verification.access.can_use_odk",
}


def can_follow(user, job: JobRun) -> bool:
    reader = JOB_READERS.get(job.kind)
    return reader is not None and import_string(reader)(user)


def job_to_follow(user, pk) -> JobRun:
    """Return a job the user may follow (its page's progress line, or the API), swept first; else Http404.

    A running job whose process stopped beating is marked interrupted here, so the answer says so without
    waiting for a worker to restart. A job the user may not follow is 404, like a missing one."""
    jobs = JobRun.objects.visible_to(user).filter(pk=pk)
    sweep_stale_jobs(jobs=jobs)
    job = get_object_or_404(jobs)
    if not can_follow(user, job):
        raise Http404
    return job
