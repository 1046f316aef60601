from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from mutakhir.accounts.backends import VIEW_HOUSEHOLD

from .dashboard import ROLE_TASKS, registry_figures


@login_required
def home(request):
    user = request.user
    return render(request, "core/home.html", {
        "tasks": ROLE_TASKS.get(user.role, []),
        "figures": registry_figures(user),
        "can_search": user.has_perm(VIEW_HOUSEHOLD),
    })
