"""Who may do what with verifications, and fetch-and-authorise (the same 404 for "missing" and "not yours").

- PSM and TKSK verify the households assigned to them; a PSM may take an unassigned entry of its village;
- TKSK and district operators assign entries and accept or return submitted verifications in their scope;
- district heads, the national team and auditors read; auditors change nothing;
- program managers (K/L) and village registrars see no verifications;
- ODK/KoboCollect from the browser (download a prelist's form, upload a server's export) is for the
  supervisors who accept or return verifications, TKSK and district operators, in their region: an export
  carries every verifier's submissions of a form and is applied under their names, so a PSM, who sends
  from the phone to the server, does not upload one. A file naming a prelist outside the region is refused.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.identification.access import get_prelist_for_user, prelists_for
from mutakhir.identification.models import PrelistEntry

from .models import Verification

VERIFIER_ROLES = {Role.PSM, Role.TKSK}
REVIEW_ROLES = {Role.TKSK, Role.DISTRICT_OPERATOR}
ASSIGN_ROLES = {Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR}
ODK_ROLES = REVIEW_ROLES
ODK_IMPORT_JOB = "verification-odk-import"
READ_ROLES = VERIFIER_ROLES | REVIEW_ROLES | {Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def can_review(user) -> bool:
    return has_role(user, REVIEW_ROLES)


def can_assign(user) -> bool:
    return has_role(user, ASSIGN_ROLES)


def verifications_for(user):
    if not can_read(user):
        return Verification.objects.none()
    return Verification.objects.visible_to(user)


def entries_for(user):
    """Return the current prelist entries in the user's scope (an entry a newer prelist version took over is gone)."""
    if not can_read(user):
        return PrelistEntry.objects.none()
    return PrelistEntry.objects.current().visible_to(user)


def entries_to_assign(user):
    """Return the user's entries with no verification whose household no verification of the period holds."""
    period = Verification.objects.filter(update_period=OuterRef("prelist__update_period"))
    return (entries_for(user).filter(verification__isnull=True)
            .exclude(Exists(period.filter(registration=OuterRef("registration"))))
            .exclude(Exists(period.filter(household=OuterRef("household")))))


def get_verification_for_user(user, pk) -> Verification:
    qs = verifications_for(user).select_related("entry__household", "entry__registration", "region", "verifier")
    return get_object_or_404(qs, pk=pk)


def get_verification_to_edit(user, pk) -> Verification:
    """Return a verification the user is the verifier of; 404 outside scope, 403 for another's work."""
    verification = get_verification_for_user(user, pk)
    if not (user.is_superuser or verification.verifier_id == user.pk):
        raise PermissionDenied
    return verification


def get_verification_to_review(user, pk) -> Verification:
    verification = get_verification_for_user(user, pk)
    if not can_review(user) or verification.verifier_id == user.pk:
        raise PermissionDenied
    return verification


def get_entry_to_assign(user, pk) -> PrelistEntry:
    entry = get_object_or_404(entries_for(user).select_related("prelist"), pk=pk)
    if not can_assign(user):
        raise PermissionDenied
    return entry


def can_use_odk(user) -> bool:
    return has_role(user, ODK_ROLES)


def prelists_for_odk(user):
    """Return the prelists whose form the user may download and whose submissions the user may import."""
    return prelists_for(user) if can_use_odk(user) else prelists_for(user).none()


def get_prelist_for_odk(user, pk):
    """Return a prelist in the user's scope (404 otherwise); 403 for a prelist reader without the ODK role."""
    prelist = get_prelist_for_user(user, pk)
    if not can_use_odk(user):
        raise PermissionDenied
    return prelist


def odk_imports_for(user):
    """Return the ODK import jobs the user may follow: those started in the user's region."""
    jobs = JobRun.objects.visible_to(user).filter(kind=ODK_IMPORT_JOB)
    return jobs if can_use_odk(user) else jobs.none()


def get_odk_import_for_user(user, pk) -> JobRun:
    return get_object_or_404(odk_imports_for(user).select_related("created_by"), pk=pk)
