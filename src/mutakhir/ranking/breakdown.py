"""A household's latest score, rank and per-variable breakdown, for the household page."""

from dataclasses import dataclass

from mutakhir.ranking.design import explain
from mutakhir.ranking.labels import flag_labels, value_label, variable_label
from mutakhir.ranking.model import PmtModel
from mutakhir.ranking.models import RankingResult
from mutakhir.ranking.snapshot import REGION_COLUMN, snapshot_rows


@dataclass
class Breakdown:
    result: RankingResult
    why: dict | None  # design.explain of the household's snapshot row; None without a snapshot
    flags: list[str]  # the result's flags explained in words


def latest_breakdown(household) -> Breakdown | None:
    """Return the household's result in the latest run that ranked it, explained when a snapshot exists.

    The caller has authorised the household (registry.access.get_household_for_user).
    """
    result = (RankingResult.objects.filter(household_id=household.household_id).select_related("run__pmt_model")
              .order_by("-run_id").first())
    if result is None:
        return None
    row = snapshot_rows(result.run.inputs_sha256, [household.household_id]).get(household.household_id)
    why = explain(PmtModel.from_dict(result.run.model), row, REGION_COLUMN) if row else None
    if why:
        why["terms"] = sorted(why["terms"], key=lambda t: -abs(t["contribution"]))
        for term in why["terms"]:
            term["label"], term["used_label"] = variable_label(term["variable"]), value_label(term["variable"],
                                                                                               term["used"])
    return Breakdown(result, why, flag_labels(result.flags))
