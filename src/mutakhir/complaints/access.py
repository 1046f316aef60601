"""Who may do what with complaints, and fetch-and-authorise (the same 404 for "missing" and "not yours").

- village registrars, TKSK and district operators handle complaints of their scope: review and answer
  those assigned to them (district operators any in scope), close and reopen;
- district operators assign complaints, to themselves or to a handler whose area covers the village;
- district heads, the national team and auditors read them; auditors change nothing;
- PSM (neighbours of the people concerned) and program managers see no complaints.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role, User

from .models import Complaint

HANDLE_ROLES = {Role.REGISTRAR, Role.TKSK, Role.DISTRICT_OPERATOR}
ASSIGN_ROLES = {Role.DISTRICT_OPERATOR}
READ_ROLES = HANDLE_ROLES | {Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def can_handle(user) -> bool:
    return has_role(user, HANDLE_ROLES)


def can_assign(user) -> bool:
    return has_role(user, ASSIGN_ROLES)


def complaints_for(user):
    """Return the complaints the user may read."""
    return Complaint.objects.visible_to(user) if can_read(user) else Complaint.objects.none()


def get_complaint_for_user(user, ticket: str) -> Complaint:
    """Return a complaint the user may read, by ticket, or raise Http404 (services check writing)."""
    queryset = complaints_for(user).select_related("region", "assigned_to", "household", "registration")
    return get_object_or_404(queryset, ticket=ticket)


def assignable_staff(complaint: Complaint):
    """Return the active handler accounts whose area covers the complaint's village."""
    code = complaint.region_id
    prefixes = [code[:4], code[:6], code]  # district, sub-district, village
    return (User.objects.filter(is_active=True, role__in=HANDLE_ROLES, region_id__in=prefixes)
            .order_by("role", "username"))
