"""Fetch-and-authorise for the registry: the same 404 for "missing" and "not yours"."""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.backends import EDIT_HOUSEHOLD, REVEAL_IDENTITY, VIEW_HOUSEHOLD
from mutakhir.accounts.models import Role
from mutakhir.accounts.scope import in_scope

from .models import Household, Member, PackageSubmission


def households_for(user):
    """Return the households the user may open: in scope, for roles that read households."""
    if not user.has_perm(VIEW_HOUSEHOLD):
        return Household.objects.none()
    return Household.objects.visible_to(user)


def get_household_for_user(user, pk):
    return get_object_or_404(households_for(user).select_related("region"), pk=pk)


def get_member_to_reveal(user, pk):
    """Return a member whose full NIK/KK the user may reveal, or raise Http404."""
    members = Member.objects.visible_to(user) if user.has_perm(REVEAL_IDENTITY) else Member.objects.none()
    return get_object_or_404(members, pk=pk)


def can_edit_households(user) -> bool:
    return user.has_perm(EDIT_HOUSEHOLD) and not user.is_read_only


def get_household_to_edit(user, pk):
    """Return an active household in scope whose characteristics the user may edit, or raise Http404."""
    households = Household.objects.visible_to(user).active() if can_edit_households(user) else Household.objects.none()
    return get_object_or_404(households.select_related("region"), pk=pk)


def can_receive_packages(user) -> bool:
    """The national team receives, applies and refuses district packages."""
    return has_role(user, {Role.NATIONAL}) and not user.is_read_only


def packages_for(user):
    if not can_receive_packages(user):
        return PackageSubmission.objects.none()
    return PackageSubmission.objects.visible_to(user)


def get_package_for_user(user, pk) -> PackageSubmission:
    return get_object_or_404(packages_for(user), pk=pk)


SEND_ROLES = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD}


def can_send_package_of(user, district: str) -> bool:
    """Over the API a district sends its own packages; the national team may hand in any (as its inbox page)."""
    if can_receive_packages(user):
        return in_scope(user, district)
    return has_role(user, SEND_ROLES) and not user.is_read_only and in_scope(user, district)


def submissions_to_follow(user):
    """Return the packages whose answer the user may read: the national inbox, or a district's own packages."""
    if can_receive_packages(user):
        return packages_for(user)
    if has_role(user, SEND_ROLES):
        return PackageSubmission.objects.visible_to(user)
    return PackageSubmission.objects.none()
