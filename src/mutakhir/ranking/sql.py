"""Pure builders of the scoring-and-ranking SQL, generated from a model file for one dialect.

The query reads a view of households and returns one row per household: household_id, score (predicted
log per-capita consumption), percentile (national, 0–100, poorest first), desil (1–10, equal shares of
the weight: people when a persons column is given, else households), region_percentile, region,
model_region and flags (`;`-separated: missing:NAME, unseen:NAME, fallback:MODEL, missing:persons,
unseen:area). A model with area effects adds its area's offset to the score (a LEFT JOIN on the small table
of offsets; 0 for an area not in the file).
Ranks use the score rounded to 6 decimals; households with equal scores share their percentile and desil
(the cumulative weight includes all ties), so the result does not depend on row order or engine.
With national cut-points (ranking/cutpoints.py), desil is instead the national desil the score falls in
(the percentile stays the rank within the file).
"""

# ruff: noqa: S608 -- identifiers are quoted by the dialect and values written as escaped literals.

from mutakhir.engines.base import Dialect
from mutakhir.ranking.cutpoints import CutPoints, desil_sql
from mutakhir.ranking.model import AREA_FLAG, POOLED, PmtModel, Variable

CUMULATIVE = "ORDER BY score RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"


def build_typed_sql(model: PmtModel, d: Dialect, source: str, columns: dict[str, str], *, id_column: str,
                    region_column: str | None, persons_column: str | None) -> str:
    """Return the SELECT reading household columns as typed values: v{i} numbers, k{i}/m{i} category keys.

    `columns` maps the source's columns to "text", "number" or "other"; an absent variable reads as NULL.
    Numbers stored as numbers skip the text round trip (it dominates the cost on 10M rows).
    """
    parts = [f"CAST({d.ident(id_column)} AS {d.string_type}) AS hid",
             f"REPLACE({d.text(d.ident(region_column))}, '.', '') AS reg" if region_column
             else f"CAST(NULL AS {d.string_type}) AS reg",
             f"{_double(d, persons_column, columns)} AS pers" if persons_column else "1e0 AS pers"]
    for i, v in enumerate(model.variables):
        if v.kind == "numeric":
            parts.append(f"{_double(d, v.name, columns)} AS v{i}")
            continue
        kind, col = columns.get(v.name), d.ident(v.name)
        if kind is None:
            key, missing = f"CAST(NULL AS {'DOUBLE' if v.numeric_levels else d.string_type})", "TRUE"
        elif v.numeric_levels and kind == "number":
            key, missing = f"CAST({col} AS DOUBLE)", f"{col} IS NULL"
        elif v.numeric_levels:
            key, missing = d.try_double(d.text(col)), f"{d.text(col)} IS NULL"
        else:
            key, missing = d.text(col), f"{d.text(col)} IS NULL"
        parts += [f"{key} AS k{i}", f"{missing} AS m{i}"]
    return f"SELECT {', '.join(parts)} FROM {d.ident(source)}"


def _double(d: Dialect, name: str, columns: dict[str, str]) -> str:
    kind = columns.get(name)
    if kind is None:
        return "CAST(NULL AS DOUBLE)"
    return f"CAST({d.ident(name)} AS DOUBLE)" if kind == "number" else d.try_double(d.ident(name))


def numeric_feature(v: Variable, i: int, d: Dialect) -> tuple[str, str]:
    """Return (imputed transformed value, flag) expressions of a numeric variable."""
    bad = f"v{i} IS NULL OR isnan(v{i})"
    value = f"v{i}"
    if v.transform == "log":
        bad += f" OR v{i} + {d.number(v.offset)} <= 0e0"
        value = f"ln(v{i} + {d.number(v.offset)})"
    flag = f"CASE WHEN {bad} THEN {d.string('missing:' + v.name)} END"
    return f"CASE WHEN {bad} THEN {d.number(v.transformed(v.fill))} ELSE {value} END", flag


def categorical_feature(v: Variable, i: int, d: Dialect) -> tuple[str, str]:
    """Return (problem condition, flag) expressions of a categorical variable."""
    listed = ", ".join(_level(v, level, d) for level in v.levels)
    bad = f"m{i} OR k{i} IS NULL OR k{i} NOT IN ({listed})"
    flag = (f"CASE WHEN m{i} THEN {d.string('missing:' + v.name)} "
            f"WHEN k{i} IS NULL OR k{i} NOT IN ({listed}) THEN {d.string('unseen:' + v.name)} END")
    return bad, flag


def _level(v: Variable, level: str, d: Dialect) -> str:
    return d.number(float(level)) if v.numeric_levels else d.string(level)


def build_match_sql(model: PmtModel, d: Dialect) -> str:
    """Return the expression of the listed region matching `reg`: the longest prefix, else "*"."""
    by_length: dict[int, list[str]] = {}
    for entry in model.prefix_order():
        by_length.setdefault(len(entry.region), []).append(d.string(entry.region))
    whens = " ".join(f"WHEN substr(reg, 1, {n}) IN ({', '.join(codes)}) THEN substr(reg, 1, {n})"
                     for n, codes in by_length.items())
    return f"CASE WHEN reg IS NULL THEN {d.string(POOLED)} {whens} ELSE {d.string(POOLED)} END"


def build_coefficients_sql(model: PmtModel, d: Dialect) -> str:
    """Return the model file's coefficients as an inline table: one row per listed region.

    Columns: me (the listed region), mk (the fitted model applied), fb (its fallback flag or NULL),
    b0 (intercept) and b1.. in `model.features()` order.
    """
    rows = []
    for entry in model.models:
        applied = model.applied(entry.region)
        own = entry.fitted and entry.level == "region" or (entry.region == POOLED and not model.region_column)
        values = [d.string(entry.region), d.string(applied.region),
                  f"CAST(NULL AS {d.string_type})" if own else d.string("fallback:" + applied.region),
                  d.number(applied.intercept), *(d.number(applied.coefficients[f]) for f in model.features())]
        rows.append(f"({', '.join(values)})")
    names = ["me", "mk", "fb"] + [f"b{j}" for j in range(len(model.features()) + 1)]
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS coef({', '.join(names)})"


def build_linear_sql(model: PmtModel, d: Dialect) -> str:
    """Return the score: b0 + b_j * feature_j, over feature columns x{i} (numeric) and c{i} (categories).

    A category key is never NULL here (missing reads as the base level); an unseen one matches no dummy.
    """
    terms, j = ["b0"], 1
    index = {v.name: i for i, v in enumerate(model.variables)}
    for i, v in enumerate(model.variables):
        if v.kind == "numeric":
            terms.append(f"b{j} * x{i}")
            j += 1
            continue
        for level in v.levels:
            if level != v.base:
                terms.append(f"b{j} * CAST(c{i} = {_level(v, level, d)} AS DOUBLE)")
                j += 1
    for a, b in model.interactions:
        terms.append(f"b{j} * x{index[a]} * x{index[b]}")
        j += 1
    return " + ".join(terms)


def build_areas_sql(model: PmtModel, d: Dialect) -> str:
    """Return the model file's area offsets as an inline table (an, au): area code and offset."""
    rows = ", ".join(f"({d.string(o.area)}, {d.number(o.offset)})" for o in model.areas.offsets)
    return f"SELECT * FROM (VALUES {rows}) AS area(an, au)"


def build_area_key_sql(model: PmtModel) -> str:
    """Return the expression of a household's area code: the first `digits` characters of `reg`."""
    return f"substr(reg, 1, {model.areas.digits})" if model.areas.digits else "reg"


def build_score_sql(model: PmtModel, d: Dialect, source: str, columns: dict[str, str], *,
                    id_column: str = "household_id", region_column: str | None = None,
                    persons_column: str | None = None, cutpoints: CutPoints | None = None) -> str:
    """Return the query that scores and ranks every household of view `source` (desil by `cutpoints` if any)."""
    typed = build_typed_sql(model, d, source, columns, id_column=id_column, region_column=region_column,
                            persons_column=persons_column)
    values, bads, flags = [], [], []
    for i, v in enumerate(model.variables):
        if v.kind == "numeric":
            value, flag = numeric_feature(v, i, d)
            values.append(f"{value} AS x{i}")
            bads.append(flag.split(" THEN ")[0].removeprefix("CASE WHEN "))
        else:
            bad, flag = categorical_feature(v, i, d)
            values.append(f"COALESCE(k{i}, {_level(v, v.base, d)}) AS c{i}")
            bads.append(bad)
        flags.append(flag)
    no_weight = "pers IS NULL OR isnan(pers) OR pers <= 0e0"
    if persons_column:
        bads.append(no_weight)
        flags.append(f"CASE WHEN {no_weight} THEN {d.string('missing:persons')} END")
    problems = f"CASE WHEN {' OR '.join(f'({b})' for b in bads)} THEN concat_ws(';', {', '.join(flags)}) END" \
        if bads else f"CAST(NULL AS {d.string_type})"
    length = model.region_length()
    group = f"substr(reg, 1, {length})" if length else "reg"
    area_table = area_key = area_join = area_flag = ""
    area_term = ""
    if model.areas:  # one small-table join; an area the survey missed adds 0 and is flagged
        area_table = f"\narea AS ({build_areas_sql(model, d)}),"
        area_key = f"{build_area_key_sql(model)} AS ak, "
        area_join = " LEFT JOIN area ON feat.ak = area.an"
        area_flag = f", CASE WHEN au IS NULL THEN {d.string(AREA_FLAG)} END"
        area_term = " + COALESCE(au, 0e0)"
    carry = ", reg" if cutpoints and cutpoints.regions else ""  # per-region cut-points read the region code
    desil = desil_sql(cutpoints, d) if cutpoints else "GREATEST(1, LEAST(10, CEIL(10e0 * cum / tot)))"
    return f"""WITH typed AS ({typed}),
coef AS ({build_coefficients_sql(model, d)}),{area_table}
feat AS (SELECT hid{carry}, {group} AS grp, {area_key}CASE WHEN {no_weight} THEN 1e0 ELSE pers END AS w,
  {build_match_sql(model, d)} AS me, {', '.join(values)}, {problems} AS issues FROM typed),
scored AS (SELECT hid{carry}, grp, w, mk, NULLIF(concat_ws(';', issues, fb{area_flag}), '') AS flags,
  ROUND({build_linear_sql(model, d)}{area_term}, 6) AS score
  FROM feat JOIN coef ON feat.me = coef.me{area_join}),
ranked AS (SELECT *, SUM(w) OVER ({CUMULATIVE}) AS cum, SUM(w) OVER () AS tot,
  SUM(w) OVER (PARTITION BY grp {CUMULATIVE}) AS rcum, SUM(w) OVER (PARTITION BY grp) AS rtot FROM scored)
SELECT hid AS household_id, score, ROUND(100e0 * cum / tot, 4) AS percentile,
  CAST({desil} AS INT) AS desil,
  ROUND(100e0 * rcum / rtot, 4) AS region_percentile, grp AS region, mk AS model_region, flags
FROM ranked"""
