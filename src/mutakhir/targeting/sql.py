"""Pure builders of the beneficiary-list SQL for one dialect: typed inputs, rule, quota, grace band, status.

Views read: `scores` (a ranking run's scores file), `households` and `members` (exchange format),
optionally `previous` (the previous list: household_id). Tables written, in order, are STEPS.
"""

# ruff: noqa: S608 -- identifiers are quoted by the dialect and values bound by the rule compiler.

from dataclasses import dataclass
from datetime import date

from mutakhir.engines.base import Dialect

from .rules import attributes as A
from .rules.ast import Attr, conjuncts, disjuncts
from .rules.ast import attributes as rule_attributes
from .rules.compile import compile_rule

LISTED = "('selected', 'grace')"


@dataclass
class ListSpec:
    """What a list run needs besides its data: the rule and the options (dialect-free, JSON-friendly)."""

    rule: object
    unit: str = "household"  # household | person
    quotas: dict[str, int] | None = None  # region-code prefix -> households (or people)
    grace: float = 0.0  # percentile points above the cut-off a previously listed household may stay
    near: int = 20  # households just outside to explain, per region
    near_band: float = 10.0  # ... taken within this many percentile points above the cut-off
    as_of: date | None = None  # the date ages are taken at
    previous: bool = False


def _number(d: Dialect, col: str, kinds: dict[str, str]) -> str:
    return f"CAST({d.ident(col)} AS DOUBLE)" if kinds.get(col) == "number" else d.try_double(d.ident(col))


def _text(d: Dialect, col: str) -> str:
    return f"CAST({d.ident(col)} AS {d.string_type})"


def _age(d: Dialect, kinds: dict[str, str], as_of: date) -> str:
    b = (f"CAST({d.ident('birth_date')} AS DATE)" if kinds.get("birth_date") == "other"
         else f"TRY_CAST({d.text(d.ident('birth_date'))} AS DATE)")
    later = f"month({b}) > {as_of.month} OR (month({b}) = {as_of.month} AND day({b}) > {as_of.day})"
    return f"CAST({as_of.year} - year({b}) - CASE WHEN {later} THEN 1 ELSE 0 END AS DOUBLE)"


def needed(rule) -> tuple[list[str], list[str]]:
    """Return the household and member columns a rule reads from the data files."""
    names = rule_attributes(rule)
    hh = sorted(a.name for a in names if not a.member and a.name in A.HOUSEHOLD_COLUMNS)
    mem = sorted(a.name for a in names if a.member and a.name in A.MEMBER_COLUMNS)
    if Attr("age", True) in names:
        mem.append("birth_date")
    return hh, mem


def build_steps(spec: ListSpec, d: Dialect, hh_kinds: dict[str, str], mem_kinds: dict[str, str]) -> list:
    """Return [(table, SELECT)] of the list run, with every literal already bound."""
    c, rule_sql = compile_rule(spec.rule, d)
    rank_names = set(A.RANK)
    others = [x for x in conjuncts(spec.rule) if not {a.name for a in rule_attributes(x)} & rank_names]
    other_sql = " AND ".join(f"COALESCE({c.expr(x)}, FALSE)" for x in others) or "TRUE"
    why = ", ".join("CASE " + " ".join(f"WHEN {c.expr(x)} THEN {c.text(x)}" for x in disjuncts(clause)) + " END"
                    for clause in conjuncts(spec.rule))
    why_not = ", ".join(f"CASE WHEN NOT COALESCE({c.expr(x)}, FALSE) THEN {c.text(x)} END"
                        for x in conjuncts(spec.rule))
    hh_cols, mem_cols = needed(spec.rule)
    mem_typed = [f"{_number(d, n, mem_kinds)} AS {d.ident('m_' + n)}" for n in mem_cols if n != "birth_date"]
    if "birth_date" in mem_cols:
        mem_typed.append(f"{_age(d, mem_kinds, spec.as_of or date.today())} AS {d.ident('m_age')}")
    aggs = "".join(f", {agg} AS q{i}" for i, agg in enumerate(c.aggregates))
    qs = "".join(f", q{i}" for i in range(len(c.aggregates)))
    mem = f"SELECT {_text(d, 'household_id')} AS hid{''.join(', ' + t for t in mem_typed)} FROM members"
    hh_typed = "".join(f", {_number(d, n, hh_kinds)} AS {d.ident(n)}" for n in hh_cols)
    if spec.quotas:
        whens = " ".join(f"WHEN substr(region_code, 1, {len(p)}) = {d.string(p)} THEN {d.string(p)}"
                         for p in sorted(spec.quotas))
        qregion = f"CASE {whens} END"
        quota_rows = ", ".join(f"({d.string(p)}, {int(n)})" for p, n in sorted(spec.quotas.items()))
        quota_join = f"LEFT JOIN (SELECT * FROM (VALUES {quota_rows}) AS qv(qprefix, quota)) q ON q.qprefix = e.qregion"
        within = "rk <= quota" if spec.unit == "household" else "cum_people <= quota"
        chosen = f"eligible AND quota IS NOT NULL AND {within}"
    else:
        qregion, quota_join, chosen = "substr(region_code, 1, 4)", "", "eligible"
    quota_col = "quota" if spec.quotas else "CAST(NULL AS BIGINT) AS quota"
    prev = ("LEFT JOIN (SELECT DISTINCT CAST(household_id AS " + d.string_type + ") AS phid FROM previous) p "
            "ON p.phid = r.hid") if spec.previous else ""
    was = "p.phid IS NOT NULL" if spec.previous else "FALSE"
    order = "ORDER BY score, hid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    return [(name, c.inline(sql)) for name, sql in [
        ("t_mem", mem),
        ("t_agg", f"SELECT hid, COUNT(*) AS n_people{aggs} FROM t_mem GROUP BY hid"),
        ("t_hh", f"""SELECT {_text(d, 'household_id')} AS hid,
  REPLACE({_text(d, 'region_code')}, '.', '') AS region_code, score, percentile, region_percentile, desil,
  household_size, household_size AS n_people{hh_typed}{qs}
FROM (SELECT h.*, CAST(s.score AS DOUBLE) AS score, CAST(s.percentile AS DOUBLE) AS percentile,
  CAST(s.region_percentile AS DOUBLE) AS region_percentile, CAST(s.desil AS DOUBLE) AS desil,
  CAST(COALESCE(a.n_people, 0) AS DOUBLE) AS household_size{qs.replace(", q", ", a.q")}
  FROM scores s JOIN households h ON CAST(h.household_id AS {d.string_type}) = CAST(s.household_id AS {d.string_type})
  LEFT JOIN t_agg a ON a.hid = CAST(s.household_id AS {d.string_type})) j"""),
        ("t_eval", f"""SELECT hid, region_code, score, percentile, desil, n_people, {rule_sql} AS eligible,
  {other_sql} AS other_ok, concat_ws('; ', {why}) AS why, concat_ws('; ', {why_not}) AS why_not,
  {qregion} AS qregion FROM t_hh"""),
        ("t_rank", f"""SELECT e.*, {quota_col}, k.rk, k.cum_people FROM t_eval e
LEFT JOIN (SELECT hid AS khid, ROW_NUMBER() OVER (PARTITION BY qregion ORDER BY score, hid) AS rk,
  SUM(n_people) OVER (PARTITION BY qregion {order}) AS cum_people FROM t_eval WHERE eligible) k ON k.khid = e.hid
{quota_join}"""),
        ("t_sel", f"""SELECT r.*, COALESCE({chosen}, FALSE) AS chosen, {was} AS was_listed FROM t_rank r {prev}"""),
        ("t_cut", """SELECT s.*, c.cutoff FROM t_sel s LEFT JOIN (SELECT qregion AS cq, MAX(percentile) AS cutoff
  FROM t_sel WHERE chosen GROUP BY qregion) c ON c.cq = s.qregion"""),
        ("t_stat", f"""SELECT t.*, CASE WHEN chosen THEN 'selected'
  WHEN was_listed AND other_ok AND cutoff IS NOT NULL AND percentile <= cutoff + {d.number(spec.grace)}
  THEN 'grace' END AS status0 FROM t_cut t"""),
        ("t_near", f"""SELECT hid AS nhid, ROW_NUMBER() OVER (PARTITION BY qregion ORDER BY score, hid) AS nrk
FROM t_stat WHERE status0 IS NULL AND (cutoff IS NULL OR (percentile > cutoff
  AND percentile <= cutoff + {d.number(max(spec.grace, spec.near_band))}))"""),
        ("t_out", f"""SELECT hid AS household_id, region_code, qregion, score, percentile, CAST(desil AS INT) AS desil,
  CAST(n_people AS BIGINT) AS n_people, eligible,
  quota, rk, cutoff, was_listed, status,
  CASE WHEN status = 'grace' THEN concat('grace band: on the previous list, percentile within ',
         CAST({d.number(spec.grace)} AS {d.string_type}), ' points of the cut-off')
       WHEN status = 'selected' THEN why
       WHEN eligible AND quota IS NULL THEN 'no quota for this region'
       WHEN eligible THEN concat('beyond the quota of ', qregion, ' (rank ', CAST(rk AS {d.string_type}),
         ' of ', CAST(quota AS {d.string_type}), ')')
       ELSE concat('not: ', why_not) END AS reason,
  CASE WHEN status IN {LISTED} AND was_listed THEN 'stayed' WHEN status IN {LISTED} THEN 'entered'
       WHEN was_listed THEN 'exited' END AS change
FROM (SELECT g.*, CASE WHEN status0 IS NOT NULL THEN status0 WHEN nrk <= {int(spec.near)} THEN 'near' END AS status
  FROM t_stat g LEFT JOIN t_near n ON n.nhid = g.hid) x"""),
    ]]


def build_list_sql(unit: str, d: Dialect) -> str:
    """Return the query of the list rows: households, or every member of a listed household."""
    cols = "o.household_id, o.region_code, o.score, o.percentile, o.desil, o.n_people AS people, o.status, " \
           "o.reason, o.change"
    if unit == "person":
        return (f"SELECT CAST(m.record_id AS {d.string_type}) AS record_id, {cols} FROM t_out o JOIN members m "
                f"ON CAST(m.household_id AS {d.string_type}) = o.household_id WHERE o.status IN {LISTED}")
    return f"SELECT {cols} FROM t_out o WHERE o.status IN {LISTED}"


NEAR_SQL = ("SELECT household_id, region_code, score, percentile, desil, n_people AS people, reason, change FROM t_out "
            "WHERE status = 'near'")
DIFF_SQL = ("SELECT household_id, region_code, change, reason FROM t_out WHERE change IS NOT NULL")
GONE_SQL = ("SELECT DISTINCT CAST(p.household_id AS {t}) AS household_id FROM previous p "
            "LEFT JOIN t_out o ON o.household_id = CAST(p.household_id AS {t}) WHERE o.household_id IS NULL")


def build_diff_sql(previous: bool, d: Dialect) -> str:
    """Return entered, stayed and exited households, with those of the previous list missing from this run."""
    if not previous:
        return DIFF_SQL
    return (f"{DIFF_SQL} UNION ALL SELECT household_id, CAST(NULL AS {d.string_type}) AS region_code, "
            f"'exited' AS change, 'not in this ranking run' AS reason FROM ({GONE_SQL.format(t=d.string_type)}) g")


SUMMARY_SQL = f"""SELECT qregion AS region, MAX(quota) AS quota,
  SUM(CASE WHEN eligible THEN 1 ELSE 0 END) AS eligible_households,
  SUM(CASE WHEN eligible THEN n_people ELSE 0 END) AS eligible_people,
  SUM(CASE WHEN status IN {LISTED} THEN 1 ELSE 0 END) AS households,
  SUM(CASE WHEN status IN {LISTED} THEN n_people ELSE 0 END) AS people,
  SUM(CASE WHEN status = 'grace' THEN 1 ELSE 0 END) AS grace,
  SUM(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entered,
  SUM(CASE WHEN change = 'exited' THEN 1 ELSE 0 END) AS exited,
  MAX(cutoff) AS cutoff
FROM t_out WHERE qregion IS NOT NULL GROUP BY qregion ORDER BY qregion"""


def build_share_sql(level: int, target_desil: int) -> str:
    """Return people in the target desil per region of `level` code digits (for distributing a national quota)."""
    return (f"SELECT substr(region_code, 1, {int(level)}) AS region, SUM(n_people) AS people FROM t_hh "
            f"WHERE desil <= {int(target_desil)} GROUP BY substr(region_code, 1, {int(level)}) ORDER BY region")
