"""A survey file's columns and the fit settings they suggest: the defaults of the fit page and of `make demo`.

The defaults favour a model that can score the registry: the variables are the survey columns that the
registry's ranking snapshot also holds (ranking/snapshot.py), coded answers are categorical, and floor
area and household size enter as logs, as in the PMT literature.
"""

# ruff: noqa: S608 -- identifiers are quoted by the dialect.

from django.utils.translation import gettext as _

from mutakhir.engines import EngineError
from mutakhir.engines.duckdb import DuckDBEngine
from mutakhir.ranking.snapshot import ID_COLUMN, INPUTS, SIZE_COLUMN
from mutakhir.ranking.survey import FitError, FitSettings

TARGETS = ("log_consumption_pc", "log_pcexp", "log_kapita")
WEIGHTS = ("weight", "fwt", "bobot", "wert")
REGIONS = ("region", "district", "kabupaten", "kab", "region_code")
CODED = {c.name for c in INPUTS if c.kind == "code"}
LOGGED = {c.name for c in INPUTS if c.kind == "number"} | {SIZE_COLUMN}
SCORABLE = {c.name for c in INPUTS} | {SIZE_COLUMN}


def read_columns(path) -> tuple[int, list[dict]]:
    """Return the survey's row count and columns in file order: {"name", "numeric"} (all values numbers)."""
    engine = DuckDBEngine()
    try:
        names = list(engine.load("survey", str(path)))
        q = engine.dialect.ident
        counts = [f"count({q(n)}), count(TRY_CAST({q(n)} AS DOUBLE))" for n in names]
        row = engine.fetch(f"SELECT count(*), {', '.join(counts)} FROM survey")[0]
    except EngineError as exc:
        raise FitError(_("The survey file cannot be read as CSV or Parquet: %(error)s")
                       % {"error": str(exc).split("\n")[0]}) from exc
    finally:
        engine.close()
    if not names or not row[0]:
        raise FitError(_("The survey file has no rows"))
    columns = [{"name": n, "numeric": bool(raw) and raw == parsed}
               for n, raw, parsed in zip(names, row[1::2], row[2::2], strict=True)]
    return row[0], columns


def _first(candidates, names: list[str]) -> str | None:
    lower = {n.lower(): n for n in names}
    return next((lower[c] for c in candidates if c in lower), None)


def default_settings(columns: list[dict]) -> FitSettings:
    """Return the suggested settings for a survey's columns (target, weight, region, variables, transforms)."""
    names = [c["name"] for c in columns]
    numeric = {c["name"] for c in columns if c["numeric"]}
    target = _first(TARGETS, names) or ""
    weight, region = _first(WEIGHTS, names), _first(REGIONS, names)
    roles = {target, weight, region, ID_COLUMN} - {None}
    others = [n for n in names if n not in roles]
    variables = [n for n in others if n in SCORABLE] or [n for n in others if n not in REGIONS]
    return FitSettings(target=target, weight=weight, region_column=region,
                       categorical=[n for n in variables if n in CODED or n not in numeric],
                       log=[n for n in variables if n in LOGGED and n in numeric],
                       ignore=[n for n in others if n not in variables])


def chosen_variables(columns: list[dict], settings: FitSettings) -> list[str]:
    """Return the columns a settings object fits on: all but the special ones and the ignored ones."""
    skip = {settings.target, settings.weight, settings.region_column, settings.area_column, settings.id_column,
            *settings.ignore}
    return [c["name"] for c in columns if c["name"] not in skip]
