"""Who may do what with rankings, and fetch-and-authorise (the same 404 for "missing" and "not yours").

Role rules (to move into accounts' RoleBackend once it grows ranking permissions):
- the national team uploads surveys, fits and publishes model versions, and starts runs; runs are national;
- district operators, district heads and auditors read the household results of their scope;
- program managers see aggregate desil counts only, no household rows;
- village and sub-district roles see a household's score on the household page only;
- the national team and district operators import national cut-points (signed by the national key, so
  the file's contents are the national team's whoever uploads it); whoever reads runs sees which.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role

from .models import CutPointSet, PmtModelVersion, PmtSurvey, RankingResult, RankingRun

MANAGE_ROLES = {Role.NATIONAL}
RESULT_ROLES = MANAGE_ROLES | {Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.AUDITOR}
RUN_ROLES = RESULT_ROLES | {Role.PROGRAM_MANAGER}
CUTPOINT_ROLES = MANAGE_ROLES | {Role.DISTRICT_OPERATOR}


def can_manage(user) -> bool:
    return has_role(user, MANAGE_ROLES)


def can_read_results(user) -> bool:
    return has_role(user, RESULT_ROLES)


def can_read_runs(user) -> bool:
    return has_role(user, RUN_ROLES)


def can_import_cutpoints(user) -> bool:
    return has_role(user, CUTPOINT_ROLES)


def cutpoints_for(user):
    """Return the imported national cut-points the user may see (national thresholds: no personal data)."""
    return CutPointSet.objects.all() if can_read_runs(user) else CutPointSet.objects.none()


def runs_for(user):
    """Return the runs the user may open (runs are national; what is shown of them is scoped)."""
    return RankingRun.objects.all() if can_read_runs(user) else RankingRun.objects.none()


def counts_for(user):
    """Return the results the user may count (aggregates only)."""
    return RankingResult.objects.visible_to(user) if can_read_runs(user) else RankingResult.objects.none()


def results_for(user):
    """Return the household results the user may list."""
    return RankingResult.objects.visible_to(user) if can_read_results(user) else RankingResult.objects.none()


def models_for(user):
    return PmtModelVersion.objects.all() if can_manage(user) else PmtModelVersion.objects.none()


def surveys_for(user):
    return PmtSurvey.objects.all() if can_manage(user) else PmtSurvey.objects.none()


def get_run_for_user(user, pk):
    return get_object_or_404(runs_for(user).select_related("pmt_model", "created_by"), pk=pk)


def get_model_for_user(user, pk):
    return get_object_or_404(models_for(user), pk=pk)


def published_models_for(user):
    """Return the published PMT models the user may pull: the national team, and the districts that rank with
    them (a model holds weights, no personal data)."""
    return PmtModelVersion.objects.all() if can_read_results(user) else PmtModelVersion.objects.none()
