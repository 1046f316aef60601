"""Record a ranking run: score and rank with a model, then store the run and every result immutably."""

import hashlib
import json
import tempfile
from pathlib import Path

from django.db import transaction

from mutakhir.engines.duckdb import DuckDBEngine
from mutakhir.ranking.model import PmtModel
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.ranking.score import score_households

BATCH = 5000
FIELDS = ["household_id", "score", "percentile", "desil", "region_percentile", "region", "model_region", "flags"]


def do_rank(model: PmtModel, data_path, *, engine: str = "duckdb", id_column: str = "household_id",
            region_column: str | None = None, persons_column: str | None = None, actor=None,
            region_code: str = "", progress=None) -> RankingRun:
    """Score and rank the households of `data_path` and store the run with its results."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.parquet"
        summary = score_households(model, data_path, out, engine=engine, id_column=id_column,
                                   region_column=region_column, persons_column=persons_column, progress=progress)
        return do_record_ranking(model, out, summary=summary, source=Path(data_path).name, actor=actor,
                                 region_code=region_code, persons_weighted=bool(persons_column))


@transaction.atomic
def do_record_ranking(model: PmtModel, scores_path, *, summary: dict, source: str, actor=None,
                      region_code: str = "", persons_weighted: bool = False) -> RankingRun:
    """Store a run and the rows of a scores file (as `mutakhir pmt score` writes it)."""
    data = model.to_dict()
    run = RankingRun.objects.create(
        region_code=region_code, model=data, engine=summary["engine"], source=source[:255],
        model_sha256=hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
        persons_weighted=persons_weighted, households=summary["households"], summary=summary, created_by=actor)
    engine = DuckDBEngine()
    try:
        engine.load("scores", str(scores_path))
        cursor = engine.con.execute(f"SELECT {', '.join(FIELDS)} FROM scores ORDER BY percentile")  # noqa: S608
        while rows := cursor.fetchmany(BATCH):
            RankingResult.objects.bulk_create(
                RankingResult(run=run, **dict(zip(FIELDS, _typed(row), strict=True))) for row in rows)
    finally:
        engine.close()
    return run


def _typed(row: tuple) -> tuple:
    hid, score, pct, desil, rpct, region, model_region, flags = row
    return (hid, float(score), float(pct), int(desil), float(rpct), region or "", model_region, flags or "")
