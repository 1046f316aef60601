"""Who may do what with decrees (SK), and fetch-and-authorise (the same 404 for "missing" and "not yours").

District operators compile drafts; the district head (or delegate) approves; either sends an approved
decree's package to the national team; the national team and auditors read. Everybody else sees no decree.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role

from .models import Decree

COMPILE_ROLES = {Role.DISTRICT_OPERATOR}
APPROVE_ROLES = {Role.DISTRICT_HEAD}
READ_ROLES = COMPILE_ROLES | APPROVE_ROLES | {Role.NATIONAL, Role.AUDITOR}


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def can_compile(user) -> bool:
    return has_role(user, COMPILE_ROLES)


def can_approve(user) -> bool:
    return has_role(user, APPROVE_ROLES)


def can_send(user) -> bool:
    return has_role(user, COMPILE_ROLES | APPROVE_ROLES)


def decrees_for(user):
    return Decree.objects.visible_to(user) if can_read(user) else Decree.objects.none()


def get_decree_for_user(user, pk) -> Decree:
    return get_object_or_404(decrees_for(user).select_related("region", "update_period", "corrects"), pk=pk)


def get_decree_to_approve(user, pk) -> Decree:
    decree = get_decree_for_user(user, pk)
    if not can_approve(user):
        raise PermissionDenied
    return decree


def get_decree_to_send(user, pk) -> Decree:
    decree = get_decree_for_user(user, pk)
    if not can_send(user):
        raise PermissionDenied
    return decree
