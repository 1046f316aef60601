"""Compare two ranking runs: who moved between desil, by how much, and why.

"Why" has two parts: the inputs that changed between the runs' registry snapshots, and the change in
each variable's contribution to the score (`design.explain` under each run's model), so a move caused
by a new model shows up even when the household's answers did not change.
"""

import itertools
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Abs

from mutakhir.ranking.design import explain
from mutakhir.ranking.model import PmtModel
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.ranking.snapshot import ID_COLUMN, REGION_COLUMN, snapshot_rows

INTERCEPT = "(intercept)"
TOP = 3  # contribution changes shown per household


@dataclass
class Move:
    result: RankingResult  # in the newer run, annotated with old_desil, old_percentile, old_score
    changed_inputs: list[tuple[str, object, object]] = field(default_factory=list)  # (name, old, new)
    contributions: list[tuple[str, float, float]] = field(default_factory=list)  # (variable, old, new)

    @property
    def change(self) -> int:
        return self.result.desil - self.result.old_desil

    def top_contributions(self) -> list[tuple[str, float, float, float]]:
        """Return the largest contribution changes: (variable, old, new, difference)."""
        rows = [(name, old, new, new - old) for name, old, new in self.contributions if abs(new - old) > 1e-9]
        return sorted(rows, key=lambda r: -abs(r[3]))[:TOP]


def previous_run(run: RankingRun) -> RankingRun | None:
    """Return the registry run before `run` (a run with an inputs snapshot), if any."""
    return RankingRun.objects.filter(pk__lt=run.pk).exclude(inputs_sha256="").order_by("-pk").first()


def movers(results, old_run: RankingRun, direction: str = ""):
    """Return the results (of the newer run) whose desil differs from `old_run`'s, largest moves first."""
    old = RankingResult.objects.filter(run=old_run, household_id=OuterRef("household_id"))
    qs = (results.annotate(old_desil=Subquery(old.values("desil")[:1]),
                           old_percentile=Subquery(old.values("percentile")[:1]),
                           old_score=Subquery(old.values("score")[:1]))
          .filter(old_desil__isnull=False).exclude(desil=F("old_desil")))
    if direction == "up":
        qs = qs.filter(desil__gt=F("old_desil"))
    elif direction == "down":
        qs = qs.filter(desil__lt=F("old_desil"))
    return qs.annotate(size=Abs(F("desil") - F("old_desil")), shift=Abs(F("percentile") - F("old_percentile"))
                       ).order_by("-size", "-shift", "household_id")


def explain_moves(results, new_run: RankingRun, old_run: RankingRun) -> list[Move]:
    """Return each result (annotated by `movers`) with its changed inputs and contribution changes."""
    ids = [r.household_id for r in results]
    new_rows, old_rows = snapshot_rows(new_run.inputs_sha256, ids), snapshot_rows(old_run.inputs_sha256, ids)
    new_model, old_model = PmtModel.from_dict(new_run.model), PmtModel.from_dict(old_run.model)
    moves = []
    for result in results:
        move = Move(result)
        old, new = old_rows.get(result.household_id), new_rows.get(result.household_id)
        if old and new:
            move.changed_inputs = [(name, old.get(name), value) for name, value in new.items()
                                   if name != ID_COLUMN and old.get(name) != value]
            move.contributions = _contributions(explain(old_model, old, REGION_COLUMN),
                                                explain(new_model, new, REGION_COLUMN))
        moves.append(move)
    return moves


def iter_moves(queryset, new_run: RankingRun, old_run: RankingRun, batch: int = 500):
    """Yield every move of a `movers` queryset, explained a batch at a time."""
    for rows in itertools.batched(queryset.iterator(chunk_size=batch), batch):
        yield from explain_moves(list(rows), new_run, old_run)


def _contributions(old: dict, new: dict) -> list[tuple[str, float, float]]:
    before = {t["variable"]: t["contribution"] for t in old["terms"]} | {INTERCEPT: old["intercept"]}
    after = {t["variable"]: t["contribution"] for t in new["terms"]} | {INTERCEPT: new["intercept"]}
    names = list(dict.fromkeys([*after, *before]))
    return [(name, before.get(name, 0.0), after.get(name, 0.0)) for name in names]


def csv_header() -> list[str]:
    return ["household_id", "region", "old_desil", "new_desil", "desil_change", "old_percentile", "new_percentile",
            "old_score", "new_score", "changed_inputs", "contribution_changes"]


def csv_row(move: Move) -> list:
    r = move.result
    inputs = "; ".join(f"{name}: {_text(old)} -> {_text(new)}" for name, old, new in move.changed_inputs)
    contributions = "; ".join(f"{name}: {diff:+.4f}" for name, _old, _new, diff in move.top_contributions())
    return [r.household_id, r.household_region or r.region, r.old_desil, r.desil, move.change, r.old_percentile,
            r.percentile, r.old_score, r.score, inputs, contributions]


def _text(value) -> str:
    return "" if value is None else str(value)
