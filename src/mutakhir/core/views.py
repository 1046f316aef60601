from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string

from mutakhir.accounts.backends import VIEW_HOUSEHOLD
from mutakhir.decrees import access as decrees_access
from mutakhir.identification import access as identification_access
from mutakhir.notifications import access as notification_access
from mutakhir.ranking import access as ranking_access
from mutakhir.registry import access as registry_access
from mutakhir.targeting import access as targeting_access
from mutakhir.verification import access as verification_access

from .dashboard import ROLE_TASKS, complaint_counts, registration_card, registry_figures
from .jobs import sweep_stale_jobs
from .models import JobRun


def public_home(request):
    """The citizens' front page: check a registration, file an objection or a proposal, follow a ticket."""
    return render(request, "core/public_home.html")


def home(request):
    """A role's home page; a visitor who is not logged in is most likely a citizen: the public front page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("publik:home")
    return render(request, "core/home.html", {
        "tasks": ROLE_TASKS.get(user.role, []),
        "registrations": registration_card(user),
        "figures": registry_figures(user),
        "complaints": complaint_counts(user),
        "can_search": user.has_perm(VIEW_HOUSEHOLD),
        "identification": identification_access.can_read_runs(user),
        "prelists": identification_access.can_read_prelists(user),
        "duplicates": identification_access.can_read_dedup(user),
        "ranking": ranking_access.can_read_runs(user),
        "packages": registry_access.can_receive_packages(user),
        "verification": verification_access.can_read(user),
        "decrees": decrees_access.can_read(user),
        "programs": targeting_access.can_read(user),
        "notifications": notification_access.can_manage(user),
    })


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


@login_required
def job_status(request, pk):
    """Return a job's progress as an htmx partial; HTTP 286 (htmx: stop polling) once it has finished.

    A running job whose process stopped beating is marked interrupted here too, so the page says so
    without waiting for a worker to restart. A job the user may not follow answers 404, like a missing one.
    """
    jobs = JobRun.objects.visible_to(request.user).filter(pk=pk)
    sweep_stale_jobs(jobs=jobs)
    job = get_object_or_404(jobs)
    if not can_follow(request.user, job):
        raise Http404
    response = render(request, "core/_job_status.html", {"job": job})
    response.status_code = 286 if job.is_finished else 200
    return response
