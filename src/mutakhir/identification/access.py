"""Who may do what in initial identification, and fetch-and-authorise (the same 404 for "missing" and "not yours").

Role rules (to move into accounts' RoleBackend once it grows identification permissions):
- district operators start match runs, review pairs and freeze prelists in their district;
- auditors read runs, the review queue and prelists in their scope, and change nothing;
- TKSK and PSM read the prelists of their area (they take them to the field);
- district operators (their district) and the national team (any district) search the registry for
  duplicates and decide the clusters; auditors read them;
- other roles see none of it.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.regions.models import Region
from mutakhir.registry.models import UpdatePeriod

from .models import DedupRun, DuplicateCluster, MatchResult, MatchRun, Prelist

RUN_ROLES = {Role.DISTRICT_OPERATOR}
READ_RUN_ROLES = RUN_ROLES | {Role.AUDITOR}
READ_PRELIST_ROLES = READ_RUN_ROLES | {Role.TKSK, Role.PSM}
DEDUP_ROLES = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
READ_DEDUP_ROLES = DEDUP_ROLES | {Role.AUDITOR}


def can_run(user) -> bool:
    return has_role(user, RUN_ROLES)


def can_read_runs(user) -> bool:
    return has_role(user, READ_RUN_ROLES)


def can_read_prelists(user) -> bool:
    return has_role(user, READ_PRELIST_ROLES)


def runs_for(user):
    return MatchRun.objects.visible_to(user) if can_read_runs(user) else MatchRun.objects.none()


def results_for(user):
    return MatchResult.objects.visible_to(user) if can_read_runs(user) else MatchResult.objects.none()


def prelists_for(user):
    return Prelist.objects.visible_to(user) if can_read_prelists(user) else Prelist.objects.none()


def periods_to_match(user):
    """Return the update periods the user may start a match run for (open, of a district in scope)."""
    if not can_run(user):
        return UpdatePeriod.objects.none()
    periods = UpdatePeriod.objects.filter(status=UpdatePeriod.Status.OPEN).select_related("region")
    prefix = user.scope_prefix
    return periods if prefix == "" else periods.filter(region__pk__startswith=prefix)


def get_period_to_match(user, pk):
    return get_object_or_404(periods_to_match(user), pk=pk)


def get_run_for_user(user, pk):
    return get_object_or_404(runs_for(user).select_related("update_period", "region", "job"), pk=pk)


def get_result_for_user(user, pk):
    qs = results_for(user).select_related("run__update_period", "registration__region", "household__region")
    return get_object_or_404(qs, pk=pk)


def get_prelist_for_user(user, pk):
    return get_object_or_404(prelists_for(user).select_related("update_period", "region", "frozen_by"), pk=pk)


def can_dedup(user) -> bool:
    return has_role(user, DEDUP_ROLES)


def can_read_dedup(user) -> bool:
    return has_role(user, READ_DEDUP_ROLES)


def dedup_runs_for(user):
    return DedupRun.objects.visible_to(user) if can_read_dedup(user) else DedupRun.objects.none()


def clusters_for(user):
    return DuplicateCluster.objects.visible_to(user) if can_read_dedup(user) else DuplicateCluster.objects.none()


def districts_to_dedup(user):
    """Return the districts (regencies/cities) the user may search for duplicates."""
    if not can_dedup(user):
        return Region.objects.none()
    districts = Region.objects.filter(level=Region.Level.REGENCY)
    return districts if user.scope_prefix == "" else districts.filter(pk__startswith=user.scope_prefix)


def get_district_to_dedup(user, pk):
    return get_object_or_404(districts_to_dedup(user), pk=pk)


def get_dedup_run_for_user(user, pk):
    return get_object_or_404(dedup_runs_for(user).select_related("region", "job", "created_by"), pk=pk)


def get_cluster_for_user(user, pk):
    return get_object_or_404(clusters_for(user).select_related("run__region", "decided_by"), pk=pk)
