"""/registrations/new/ opened without a channel (a bookmark, a typed address): the choice of a channel.

The channel decides who may enter and which fields the form asks (registration/views.py), and a role has
its own (a PSM registers through a visit or a Musdes, never at the office): rather than guessing one and
refusing the role, a GET without it leads to the registrations page, whose buttons are the user's channels.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import views
from .access import channels_for


@login_required
def new_registration(request):
    if request.method != "GET" or request.GET.get("channel"):
        return views.registration_new(request)
    if not channels_for(request.user):
        raise PermissionDenied
    messages.info(request, _("Choose how the household is registered."))
    return redirect("registration:list")
