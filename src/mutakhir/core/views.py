from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from mutakhir.accounts.backends import VIEW_HOUSEHOLD
from mutakhir.decrees import access as decrees_access
from mutakhir.identification import access as identification_access
from mutakhir.notifications import access as notification_access
from mutakhir.ranking import access as ranking_access
from mutakhir.registry import access as registry_access
from mutakhir.targeting import access as targeting_access
from mutakhir.verification import access as verification_access

from .dashboard import ROLE_TASKS, complaint_counts, registration_card, registry_figures
from .jobs import job_to_follow


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


@login_required
def job_status(request, pk):
    """Return a job's progress as an htmx partial; HTTP 286 (htmx: stop polling) once it has finished.

    A running job whose process stopped beating is marked interrupted here too, so the page says so
    without waiting for a worker to restart. A job the user may not follow answers 404, like a missing one.
    """
    job = job_to_follow(request.user, pk)
    response = render(request, "core/_job_status.html", {"job": job})
    response.status_code = 286 if job.is_finished else 200
    return response
