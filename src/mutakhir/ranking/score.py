"""Score and rank a household file with a model, on any engine, and summarise the result."""

import time

from django.utils.translation import gettext as _

from mutakhir.engines import Engine, EngineError, get_engine
from mutakhir.ranking.cutpoints import CutPoints
from mutakhir.ranking.model import PmtModel
from mutakhir.ranking.sql import build_score_sql


class ScoreError(ValueError):
    """Household data that cannot be scored with the model."""


def score_households(model: PmtModel, data_path, out_path, *, engine: str | Engine = "duckdb",
                     id_column: str = "household_id", region_column: str | None = None,
                     persons_column: str | None = None, cutpoints: CutPoints | None = None,
                     progress=None) -> dict:
    """Write the scores and ranks of the households in `data_path` to `out_path`; return a summary.

    With national `cutpoints`, desil are the national desil of the scores, else ranks within the file.
    """
    step = progress or (lambda done, total, note: None)
    started = time.perf_counter()
    eng = get_engine(engine) if isinstance(engine, str) else engine
    try:
        step(0, 3, "load")
        columns = eng.load("households", str(data_path))
        region_column = region_column or model.region_column
        for name, option in ((id_column, "--id-column"), (region_column, "--region-column"),
                             (persons_column, "--persons-column")):
            if name and name not in columns:
                raise ScoreError(_("Column %(column)s (%(option)s) is not in the household file")
                                 % {"column": name, "option": option})
        absent = [v.name for v in model.variables if v.name not in columns]
        sql = build_score_sql(model, eng.dialect, "households", columns, id_column=id_column,
                              region_column=region_column, persons_column=persons_column, cutpoints=cutpoints)
        step(1, 3, "score and rank")
        eng.export(sql, str(out_path))
        step(2, 3, "summarise")
        eng.load("scores", str(out_path))
        rows = eng.fetch("SELECT desil, COUNT(*), SUM(CASE WHEN flags IS NOT NULL AND flags <> '' THEN 1 ELSE 0 END), "
                         "SUM(CASE WHEN flags LIKE '%fallback:%' THEN 1 ELSE 0 END) FROM scores GROUP BY desil")
        step(3, 3, "done")
    except EngineError as exc:
        raise ScoreError(str(exc)) from exc
    finally:
        if isinstance(engine, str):
            eng.close()
    return {"households": sum(int(r[1]) for r in rows), "flagged": sum(int(r[2]) for r in rows),
            "fallback": sum(int(r[3]) for r in rows), "absent_variables": absent,
            "desil_households": {int(r[0]): int(r[1]) for r in sorted(rows, key=lambda r: int(r[0]))},
            "engine": eng.dialect.name, "seconds": round(time.perf_counter() - started, 2)}
