"""Who may do what in targeting, and fetch-and-authorise (the same 404 for "missing" and "not yours").

- program managers and the national team define programs, criteria versions and draw lists;
- auditors and district roles read lists: their entries only inside the account's region;
- other roles see none of it.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.ranking.models import RankingRun

from .models import BeneficiaryList, Entry, Program

MANAGE_ROLES = {Role.PROGRAM_MANAGER, Role.NATIONAL}
READ_ROLES = MANAGE_ROLES | {Role.AUDITOR, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD}


def can_manage(user) -> bool:
    return has_role(user, MANAGE_ROLES)


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def programs_for(user):
    return Program.objects.all() if can_read(user) else Program.objects.none()


def lists_for(user):
    return BeneficiaryList.objects.all() if can_read(user) else BeneficiaryList.objects.none()


def entries_for(user, blist):
    return Entry.objects.visible_to(user).filter(beneficiary_list=blist) if can_read(user) else Entry.objects.none()


def get_program_for_user(user, pk) -> Program:
    return get_object_or_404(programs_for(user), pk=pk)


def get_list_for_user(user, pk) -> BeneficiaryList:
    return get_object_or_404(lists_for(user).select_related("version__program", "ranking_run"), pk=pk)


def runs_for(user):
    """Return the ranking runs a manager may draw lists from (national ones and those in scope)."""
    return RankingRun.objects.visible_to(user) if can_manage(user) else RankingRun.objects.none()


def get_run_for_user(user, pk) -> RankingRun:
    return get_object_or_404(runs_for(user), pk=pk)


def jobs_for(user):
    """Return the list-drawing jobs a manager may follow: those of runs inside the account's region."""
    from .services import JOB_KIND

    if not can_manage(user):
        return JobRun.objects.none()
    return JobRun.objects.visible_to(user).filter(kind=JOB_KIND)


def get_job_for_user(user, pk) -> JobRun:
    return get_object_or_404(jobs_for(user), pk=pk)


def get_preview_job_for_user(user, pk) -> JobRun:
    """Return a rule-preview job of the user's own, on a run inside the account's region."""
    from .services import PREVIEW_KIND

    jobs = JobRun.objects.visible_to(user).filter(kind=PREVIEW_KIND, created_by=user) if can_manage(user) \
        else JobRun.objects.none()
    return get_object_or_404(jobs, pk=pk)
