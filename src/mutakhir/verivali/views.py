"""The verivali start page: the four parts (sync, signals and flags, selection, outcomes) the user may open."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from . import sync_access
from .models import ProposedChange, SignalFlag
from .signals import access as signal_access


def can_read(user) -> bool:
    """Return whether the user may open any part of verivali (the nav and home link follow this)."""
    return sync_access.can_read(user) or signal_access.can_read(user)


@login_required
def index(request):
    user = request.user
    if not can_read(user):
        raise PermissionDenied
    return render(request, "verivali/index.html", {
        "sync": sync_access.can_read(user), "signals": signal_access.can_read(user),
        "proposed": sync_access.changes_for(user).filter(status=ProposedChange.Status.PROPOSED).count(),
        "open_flags": signal_access.flags_for(user).filter(status=SignalFlag.Status.OPEN).count(),
    })
