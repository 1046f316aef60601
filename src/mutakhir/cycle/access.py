"""Who reads the cycle dashboard and who manages update periods; the same 404 for "missing" and "not yours"."""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.registry.models import UpdatePeriod

DASHBOARD_ROLES = {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.TKSK}
PERIOD_ROLES = {Role.DISTRICT_OPERATOR}


def district_of(user) -> str | None:
    """Return the district code of a district or sub-district account, None for any other scope."""
    prefix = getattr(user, "scope_prefix", None)
    return prefix[:4] if prefix and len(prefix) >= 4 else None


def can_read_dashboard(user) -> bool:
    return has_role(user, DASHBOARD_ROLES) and district_of(user) is not None


def can_manage_periods(user) -> bool:
    return has_role(user, PERIOD_ROLES) and not user.is_read_only and district_of(user) is not None


def periods_for(user):
    """Return the update periods of the user's district, for dashboard readers."""
    if not can_read_dashboard(user):
        return UpdatePeriod.objects.none()
    return UpdatePeriod.objects.filter(region_id=district_of(user))


def get_period_to_manage(user, pk) -> UpdatePeriod:
    periods = periods_for(user) if can_manage_periods(user) else UpdatePeriod.objects.none()
    return get_object_or_404(periods, pk=pk)
