"""Turn survey or household columns into the model's features (numpy), and explain one household."""

import math
from dataclasses import dataclass

import numpy as np

from mutakhir.ranking.model import AREA_TERM, PmtModel, Variable


def canonical_number(text: str) -> str:
    """Return a numeric code in one spelling: "03", "3.0" and "3" are all "3"."""
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(value)


def unique_texts(values) -> tuple[np.ndarray, np.ndarray]:
    """Return (distinct trimmed texts, each value's index among them); missing values read as ""."""
    values = np.asarray(values, dtype=object)
    texts = np.where(values == None, "", values).astype(str)  # noqa: E711 (elementwise)
    distinct, inverse = np.unique(np.char.strip(texts), return_inverse=True)
    return distinct, inverse.reshape(-1)


def answer_key(text: str, numeric: bool) -> str | None:
    """Return the text an answer is matched by: None when empty; numbers in one spelling."""
    if not text:
        return None
    if not numeric:
        return text
    try:
        return canonical_number(text)
    except ValueError:
        return "?" + text  # not a number: never one of the levels, so unseen


def category_index(variable: Variable, values) -> np.ndarray:
    """Return each answer's index in `variable.levels`: -1 where missing, -2 where not a level."""
    distinct, inverse = unique_texts(values)
    position = {level: i for i, level in enumerate(variable.levels)}
    keys = [answer_key(text, variable.numeric_levels) for text in distinct]
    return np.array([-1 if k is None else position.get(k, -2) for k in keys], dtype=np.int64)[inverse]


def numeric_values(variable: Variable, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (transformed values with imputation, missing mask)."""
    x = np.asarray(values, dtype=float)
    missing = ~np.isfinite(x)
    if variable.transform == "log":
        missing |= ~(x + variable.offset > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.log(x + variable.offset)
    return np.where(missing, variable.transformed(variable.fill), x), missing


@dataclass
class Encoded:
    X: np.ndarray  # n x features, without the intercept
    missing: dict  # variable name -> mask
    unseen: dict  # categorical variable name -> mask


def encode(model: PmtModel, data: dict, n: int) -> Encoded:
    """Return the feature matrix, in `model.features()` order, of n rows given as column arrays by name."""
    columns, missing, unseen, numeric = [], {}, {}, {}
    for variable in model.variables:
        raw = data.get(variable.name)
        if variable.kind == "numeric":
            values = np.full(n, np.nan) if raw is None else raw
            x, missing[variable.name] = numeric_values(variable, values)
            numeric[variable.name] = x
            columns.append(x)
            continue
        index = category_index(variable, np.full(n, None, dtype=object) if raw is None else raw)
        missing[variable.name], unseen[variable.name] = index == -1, index == -2
        columns.extend((index == j).astype(float) for j, level in enumerate(variable.levels) if level != variable.base)
    columns.extend(numeric[a] * numeric[b] for a, b in model.interactions)
    X = np.column_stack(columns) if columns else np.zeros((n, 0))
    return Encoded(X, missing, unseen)


def explain(model: PmtModel, household: dict, region_column: str | None = None) -> dict:
    """Return why a household got its score: the model applied and each variable's contribution.

    `household` maps column names to values as read from a file (text or numbers). A model with area effects
    adds the term AREA_TERM: the household's area code and its offset (flagged unseen, 0, when not in the file).
    """
    region_column = region_column or model.region_column
    region = household.get(region_column) if region_column else None
    applied, fallback = model.match(region)
    data = {v.name: np.array([household.get(v.name) if v.kind == "categorical" else _number(household.get(v.name))],
                             dtype=object if v.kind == "categorical" else float) for v in model.variables}
    enc = encode(model, data, 1)
    x = dict(zip(model.features(), enc.X[0], strict=True))
    terms = []
    for v in model.variables:
        unseen = v.kind == "categorical" and enc.unseen[v.name][0]
        flag = "missing" if enc.missing[v.name][0] else "unseen" if unseen else ""
        if v.kind == "numeric":
            used = v.fill if flag else float(data[v.name][0])
        else:
            used = next((f.split("=", 1)[1] for f in v.features() if x[f]), v.base)
        contribution = sum(applied.coefficients[f] * x[f] for f in v.features())
        terms.append({"variable": v.name, "value": household.get(v.name), "used": used,
                      "contribution": float(contribution), "flag": flag})
    for a, b in model.interactions:
        name = f"{a}*{b}"
        terms.append({"variable": name, "value": None, "used": float(x[name]),
                      "contribution": float(applied.coefficients[name] * x[name]), "flag": ""})
    if model.areas:
        area = model.areas.code(region)
        offset = model.areas.offset(area)
        terms.append({"variable": AREA_TERM, "value": area, "used": area, "contribution": offset or 0.0,
                      "flag": "unseen" if offset is None else ""})
    return {"model_region": applied.region, "fallback": fallback, "intercept": applied.intercept,
            "terms": terms, "score": applied.intercept + sum(t["contribution"] for t in terms)}


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
