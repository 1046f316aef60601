"""Read a survey file and decide the model's variables: transforms, levels, base and fill values."""

# ruff: noqa: S608 -- identifiers are quoted by the dialect and values written as escaped literals.

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from mutakhir.core.digests import file_sha256
from mutakhir.engines.duckdb import DuckDBEngine
from mutakhir.ranking.design import answer_key, unique_texts
from mutakhir.ranking.model import Variable, is_number, normalize_region


class FitError(ValueError):
    """Survey data or settings that cannot give a model."""


@dataclass
class FitSettings:
    """How to fit; JSON-round-tripping, kept in the model file."""

    target: str
    weight: str | None = None
    categorical: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    interactions: list[list[str]] = field(default_factory=list)
    region_column: str | None = None
    area_column: str | None = None  # small areas for empirical-Bayes area effects (see ranking/areas.py)
    area_digits: int | None = None  # an area is the first N characters of the area column (6: sub-district)
    id_column: str = "household_id"
    ignore: list[str] = field(default_factory=list)
    folds: int = 5
    min_obs: int = 30
    ridge: list[float] = field(default_factory=lambda: [1.0, 10.0, 100.0, 300.0, 1e3, 3e3, 1e4, 3e4, 1e5])
    boosting: bool = False
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FitSettings":
        return cls(**data)


@dataclass
class Survey:
    y: np.ndarray
    w: np.ndarray  # normalised to mean 1
    region: np.ndarray  # object: normalised code or None
    columns: dict  # variable name -> raw array (float for numeric, object for categorical)
    info: dict  # metadata for the model file
    area: np.ndarray | None = None  # object: area code (first area_digits characters) or None; None: no areas


def read_survey(path, settings: FitSettings) -> Survey:
    """Read the survey with DuckDB; drop rows without a target or a positive weight (counted)."""
    engine = DuckDBEngine()
    try:
        names = engine.load("survey", str(path))
        q = engine.dialect.ident
        if settings.area_digits is not None and settings.area_digits < 1:
            raise FitError(_("--area-digits must be at least 1"))
        special = [settings.target, settings.weight, settings.region_column, settings.area_column]
        for name in [c for c in special if c] + settings.categorical + settings.log + settings.ignore \
                + [n for pair in settings.interactions for n in pair]:
            if name not in names:
                raise FitError(_("Column %(column)s is not in the survey file") % {"column": name})
        skip = {settings.id_column, *special, *settings.ignore} - {None}
        variables = [n for n in names if n not in skip]
        numeric = [n for n in variables if n not in settings.categorical]
        selects = [f"TRY_CAST({q(settings.target)} AS DOUBLE) AS y",
                   f"TRY_CAST({q(settings.weight)} AS DOUBLE) AS w" if settings.weight else "1.0::DOUBLE AS w",
                   f"NULLIF(TRIM(CAST({q(settings.region_column)} AS VARCHAR)), '') AS r"
                   if settings.region_column else "NULL::VARCHAR AS r",
                   f"NULLIF(TRIM(CAST({q(settings.area_column)} AS VARCHAR)), '') AS a"
                   if settings.area_column else "NULL::VARCHAR AS a"]
        selects += [f"TRY_CAST({q(n)} AS DOUBLE) AS {q('n_' + n)}" for n in numeric]
        selects += [f"NULLIF(TRIM(CAST({q(n)} AS VARCHAR)), '') AS {q('c_' + n)}" for n in settings.categorical]
        data = engine.fetch_numpy("SELECT " + ", ".join(selects) + " FROM survey")
        pairs = [f"count({q(n)}), count(TRY_CAST({q(n)} AS DOUBLE))" for n in numeric]
        counts = engine.fetch(f"SELECT {', '.join(pairs)} FROM survey")[0] if numeric else ()
        unreadable = {}
        for n, raw, parsed in zip(numeric, counts[::2], counts[1::2], strict=True):
            if raw and not parsed:
                raise FitError(_("Column %(column)s holds no numbers: name it in --categorical or --ignore")
                               % {"column": n})
            if raw > parsed:
                unreadable[n] = raw - parsed
    finally:
        engine.close()
    y, w = np.ma.filled(data["y"], np.nan), np.ma.filled(data["w"], np.nan)
    total = len(y)
    no_target = ~np.isfinite(y)
    bad_weight = ~no_target & ~(np.isfinite(w) & (w > 0))
    keep = ~no_target & ~bad_weight
    if not keep.any():
        raise FitError(_("No survey row has both a target and a positive weight"))
    columns = {n: np.ma.filled(data["n_" + n], np.nan)[keep] for n in numeric}
    columns |= {n: _texts(data["c_" + n])[keep] for n in settings.categorical}
    region = np.array([normalize_region(r) for r in _texts(data["r"])[keep]], dtype=object)
    area = _areas(_texts(data["a"])[keep], settings.area_digits) if settings.area_column else None
    info = {"file": Path(path).name, "sha256": file_sha256(path), "rows": total, "rows_used": int(keep.sum()),
            "dropped_no_target": int(no_target.sum()), "dropped_bad_weight": int(bad_weight.sum()),
            "unreadable_values": unreadable, "weight_column": settings.weight,
            "id_column": settings.id_column, "settings": settings.to_dict()}
    if area is not None:
        info["rows_without_area"] = int(sum(a is None for a in area))
    return Survey(y[keep], w[keep] / w[keep].mean(), region, columns, info, area)


def _areas(values: np.ndarray, digits: int | None) -> np.ndarray:
    """Return area codes: normalised, cut to `digits` characters; None where empty or shorter than that."""
    out = []
    for value in values:
        code = normalize_region(value)
        out.append(None if code is None or (digits and len(code) < digits) else code[:digits] if digits else code)
    return np.array(out, dtype=object)


def _texts(values) -> np.ndarray:
    """Return DuckDB text results as an object array with None where NULL (not the mask's fill value)."""
    out = np.array(np.ma.getdata(values), dtype=object)
    out[np.ma.getmaskarray(values)] = None
    return out


def make_variables(survey: Survey, settings: FitSettings) -> tuple[list[Variable], list[dict]]:
    """Return the variables to use and the columns dropped (constant), with reasons."""
    variables, dropped = [], []
    for name, values in survey.columns.items():
        if name in settings.categorical:
            variable = _categorical(name, values, survey.w)
        else:
            variable = _numeric(name, values, survey.w, log=name in settings.log)
        if variable is None:
            dropped.append({"name": name, "reason": "constant in the survey"})
        else:
            variables.append(variable)
    kept = {v.name: v for v in variables}
    for a, b in settings.interactions:
        for name in (a, b):
            if name not in kept or kept[name].kind != "numeric":
                raise FitError(_("Interaction %(pair)s: %(column)s is not a numeric variable of the model")
                               % {"pair": f"{a}*{b}", "column": name})
    return variables, dropped


def _numeric(name: str, values: np.ndarray, w: np.ndarray, log: bool) -> Variable | None:
    ok = np.isfinite(values)
    if not ok.any() or np.ptp(values[ok]) == 0:
        return None
    if not log:
        return Variable(name, "numeric", fill=float(np.average(values[ok], weights=w[ok])))
    low = float(values[ok].min())
    offset = 0.0 if low > 0 else 1.0 - low  # the smallest value maps to log(1) = 0
    mean_log = float(np.average(np.log(values[ok] + offset), weights=w[ok]))
    return Variable(name, "numeric", transform="log", offset=offset, fill=math.exp(mean_log) - offset)


def _categorical(name: str, values: np.ndarray, w: np.ndarray) -> Variable | None:
    distinct, inverse = unique_texts(values)
    numeric = all(is_number(text) for text in distinct if text)
    keys = [answer_key(text, numeric) for text in distinct]
    weights: dict[str, float] = {}
    for key, weight in zip(keys, np.bincount(inverse, weights=w, minlength=len(distinct)), strict=True):
        if key is not None:
            weights[key] = weights.get(key, 0.0) + float(weight)
    if len(weights) < 2:
        return None
    levels = sorted(weights, key=float if numeric else str)
    return Variable(name, "categorical", levels=levels, base=max(levels, key=lambda level: weights[level]))
