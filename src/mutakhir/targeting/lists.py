"""Run a beneficiary list on an engine from files: a scores file, a households/members dataset, options."""

import json
import time
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.engines import Engine, EngineError, get_engine

from . import sql
from .exports import write_pdf, write_xlsx
from .quotas import QuotaError, check_quotas, distribute, quota_warnings


class ListError(ValueError):
    """Input that a list cannot be drawn from."""


def dataset_files(folder: Path) -> tuple[Path, Path]:
    """Return the households and members files of an exchange-format dataset folder (CSV or Parquet)."""
    for ext in ("parquet", "csv"):
        hh, mem = folder / f"households.{ext}", folder / f"members.{ext}"
        if hh.exists() and mem.exists():
            return hh, mem
    raise ListError(_("%(dir)s holds no households and members files") % {"dir": folder})


MATERIALIZED = {"t_agg", "t_eval", "t_sel", "t_out"}  # read more than once; the other steps stream into them


def _materialize(eng: Engine, name: str, query: str) -> None:
    if name not in MATERIALIZED:
        eng.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {query}")
    elif eng.dialect.name == "duckdb":
        eng.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")
    else:
        eng.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {query}")
        eng.execute(f"CACHE TABLE {name}")


def run_list(spec: sql.ListSpec, scores: Path, households: Path, members: Path, out: Path | None = None, *,
             engine: str | Engine = "duckdb", previous: Path | None = None, national_total: int | None = None,
             level: int = 4, target_desil: int = 4, formats: tuple = ("csv",), progress=None) -> dict:
    """Draw the list; write list/near/diff/summary files to `out` when given; return the summary."""
    step = progress or (lambda done, total, note: None)
    started = time.perf_counter()
    eng = get_engine(engine) if isinstance(engine, str) else engine
    try:
        eng.load("scores", str(scores))
        hh_kinds = eng.load("households", str(households))
        mem_kinds = eng.load("members", str(members))
        if previous:
            eng.load("previous", str(previous))
            spec.previous = True
        hh_cols, mem_cols = sql.needed(spec.rule)
        for name, kinds in [(c, hh_kinds) for c in hh_cols + ["household_id", "region_code"]] + \
                [(c, mem_kinds) for c in mem_cols + ["household_id"]]:
            if name not in kinds:
                raise ListError(_("Column %(column)s is not in the data") % {"column": name})
        steps = sql.build_steps(spec, eng.dialect, hh_kinds, mem_kinds)
        for i in range(len(steps)):
            name, query = steps[i]
            step(i, len(steps) + 1, name)
            _materialize(eng, name, query)
            if name == "t_hh" and national_total is not None:  # shares need t_hh; later steps the quotas
                shares = {r[0]: float(r[1]) for r in eng.fetch(sql.build_share_sql(level, target_desil)) if r[0]}
                spec.quotas = check_quotas(distribute(national_total, shares))
                steps = sql.build_steps(spec, eng.dialect, hh_kinds, mem_kinds)
        step(len(steps), len(steps) + 1, "summarise")
        names = ["region", "quota", "eligible_households", "eligible_people", "households", "people", "grace",
                 "entered", "exited", "cutoff"]
        regions = [dict(zip(names, (r[0], *(None if v is None else (float(v) if k == "cutoff" else int(v))
                                            for k, v in zip(names[1:], r[1:], strict=True))), strict=True))
                   for r in eng.fetch(sql.SUMMARY_SQL)]
        gone = eng.fetch(sql.GONE_SQL.format(t=eng.dialect.string_type)) if previous else []
        summary = {"unit": spec.unit, "regions": regions, "warnings": quota_warnings(regions, spec.unit),
                   "households": sum(r["households"] for r in regions), "people": sum(r["people"] for r in regions),
                   "grace": sum(r["grace"] for r in regions), "entered": sum(r["entered"] for r in regions),
                   "exited": sum(r["exited"] for r in regions) + len(gone), "quotas": spec.quotas,
                   "engine": eng.dialect.name}
        if out:
            out.mkdir(parents=True, exist_ok=True)
            eng.export(sql.build_list_sql(spec.unit, eng.dialect), str(out / "list.csv"))
            eng.export(sql.NEAR_SQL, str(out / "near.csv"))
            eng.export(sql.build_diff_sql(bool(previous), eng.dialect), str(out / "diff.csv"))
            summary["seconds"] = round(time.perf_counter() - started, 2)
            (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
            if "xlsx" in formats:
                write_xlsx(out / "list.csv", out / "list.xlsx")
            if "pdf" in formats:
                write_pdf(summary, out / "summary.pdf")
        summary["seconds"] = round(time.perf_counter() - started, 2)
        return summary
    except (EngineError, QuotaError) as exc:
        raise ListError(str(exc)) from exc
    finally:
        if isinstance(engine, str):
            eng.close()

