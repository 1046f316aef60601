"""Who may do what with registrations, and fetch-and-authorise (the same 404 for "missing" and "not yours").

The role rules live in accounts' RoleBackend (accounts/backends.py); here they are asked through
`user.has_perm()`, and the region scope is applied on top.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.backends import ENTER_REGISTRATION, IMPORT_REGISTRATIONS, READ_REGISTRATION, enter_channel
from mutakhir.accounts.scope import in_scope
from mutakhir.core.models import JobRun

from .models import Channel, Musdes, Registration, RegistrationImport

FORM_CHANNELS = (Channel.ACTIVE, Channel.PASSIVE, Channel.MUSDES)  # API and import have their own entry points


def can_read(user) -> bool:
    return user.has_perm(READ_REGISTRATION)


def can_enter(user) -> bool:
    return user.has_perm(ENTER_REGISTRATION)


def can_import(user) -> bool:
    return user.has_perm(IMPORT_REGISTRATIONS)


def channels_for(user) -> set[str]:
    """Return the form channels the user may enter registrations through."""
    return {channel for channel in FORM_CHANNELS if user.has_perm(enter_channel(channel))}


def registrations_for(user):
    """Return the registrations the user may read."""
    if not can_read(user):
        return Registration.objects.none()
    return Registration.objects.visible_to(user)


def get_registration_for_user(user, number: str):
    """Return a registration the user may read, by number, or raise Http404 (services check writing)."""
    queryset = registrations_for(user).select_related("region", "update_period", "entered_by", "musdes")
    return get_object_or_404(queryset, number=number)


def get_musdes_for_user(user, pk):
    queryset = Musdes.objects.visible_to(user) if can_read(user) else Musdes.objects.none()
    return get_object_or_404(queryset.select_related("region"), pk=pk)


def get_import_for_user(user, pk):
    queryset = RegistrationImport.objects.visible_to(user) if can_import(user) else RegistrationImport.objects.none()
    return get_object_or_404(queryset, pk=pk)


def import_jobs_for(user):
    """Return the import jobs the user may follow: those into update periods inside the account's region."""
    from .import_jobs import JOB_KIND

    return JobRun.objects.visible_to(user).filter(kind=JOB_KIND) if can_import(user) else JobRun.objects.none()


def get_import_job_for_user(user, pk) -> JobRun:
    return get_object_or_404(import_jobs_for(user), pk=pk)


def village_in_scope(user, region_code: str) -> bool:
    """Return True when a village code lies inside the user's scope."""
    return in_scope(user, region_code)
