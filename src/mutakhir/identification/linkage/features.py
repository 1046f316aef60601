"""Turn exchange-format members into the comparison columns of the linkage model (DuckDB SQL).

The same columns are built for both sides (Splink needs equal columns). Values that cannot be a
NIK, KK or date become NULL, so they count as unknown rather than as disagreement.
"""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from .nik_compare import kk_as_nik_sql, parts_sql, valid_nik_sql
from .normalize import normalize_names, normalize_text

COLUMNS = ["record_id", "household_id", "name_norm", "name_first", "name_last", "name_sorted", "clan", "nik",
           "nik_region", "nik_birth", "nik_serial", "kk", "birth_date", "birth_year", "sex", "birth_place", "village",
           "subdistrict"]


@dataclass
class FeatureStats:
    """What was set aside while preparing one side."""

    kk_as_nik: int = 0
    invalid_nik: int = 0
    invalid_birth_date: int = 0
    orphan_members: int = 0
    orphan_examples: list[str] = field(default_factory=list)


def _col(table: pa.Table, name: str) -> pa.Array:
    if name in table.column_names:
        return table[name].combine_chunks()
    return pa.nulls(table.num_rows, pa.string())


def _names(members: pa.Table, variant: str) -> pa.Table:
    """Return record_id with name_norm and clan (the plain variant only lower-cases)."""
    raw = _col(members, "name")
    if variant == "plain":
        name, clan = normalize_text(raw), pa.nulls(len(raw), pa.string())
    else:
        name, clan = normalize_names(raw)
    return pa.table({"record_id": _col(members, "record_id"), "name_norm": name, "clan": clan,
                     "birth_place_norm": normalize_text(_col(members, "birth_place"))})


def _with_optional(members: pa.Table) -> pa.Table:
    extra = {c: pa.nulls(members.num_rows, pa.string()) for c in ("household_id", "nik", "kk", "sex", "birth_date")
             if c not in members.column_names}
    for name, values in extra.items():
        members = members.append_column(name, values)
    return members


def prepare(con: duckdb.DuckDBPyConnection, sides: dict[str, tuple[pa.Table, pa.Table | None]],
            variant: str = "indonesian") -> dict[str, FeatureStats]:
    """Create table `features_<side>` for each side from (members, households); return stats per side.

    Households may be None (the civil registry): then there is no village. One side at a time, its
    intermediate tables dropped before the next: with the civil registry (twice the registry's size) all
    built at once, preparing was the run's peak of memory.
    """
    stats = {}
    for side, (members, households) in sides.items():
        con.register(f"raw_{side}", _with_optional(members))
        con.register(f"names_{side}", _names(members, variant))
        if households is not None:
            con.register(f"hh_{side}", households.select(["household_id", "region_code"]))
        village = "regexp_replace(h.region_code, '[^0-9]', '', 'g')" if households is not None else "NULL"
        join = f"LEFT JOIN hh_{side} h ON h.household_id = m.household_id" if households is not None else ""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE checked_{side} AS
            SELECT m.record_id, m.household_id, m.nik AS nik_raw, {valid_nik_sql('m.nik')} AS nik_valid,
                   {valid_nik_sql('m.kk')} AS kk, TRY_CAST(m.birth_date AS DATE) AS bd, m.birth_date AS bd_raw,
                   CASE WHEN m.sex IN ('1', '2') THEN m.sex END AS sex, {village} AS village,
                   {'h.household_id IS NULL' if households is not None else 'false'} AS orphan
            FROM raw_{side} m {join}""")
        con.execute(f"CREATE OR REPLACE TEMP TABLE flagged_{side} AS {kk_as_nik_sql(f'checked_{side}')}")
        # First and last name (the same for a one-word name) block pairs where the other is mistyped; the
        # names sorted, pairs where given name and family name are swapped.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE features_{side} AS
            SELECT c.record_id, c.household_id, n.name_norm, split_part(n.name_norm, ' ', 1) AS name_first,
                   string_split(n.name_norm, ' ')[-1] AS name_last,
                   array_to_string(list_sort(string_split(n.name_norm, ' ')), ' ') AS name_sorted, n.clan,
                   v.nik, {parts_sql('v.nik')}, c.kk, strftime(c.bd, '%Y-%m-%d') AS birth_date,
                   CAST(year(c.bd) AS VARCHAR) AS birth_year, c.sex, n.birth_place_norm AS birth_place,
                   c.village, substr(c.village, 1, 6) AS subdistrict
            FROM flagged_{side} c
            JOIN names_{side} n USING (record_id)
            CROSS JOIN LATERAL (SELECT CASE WHEN NOT c.kk_as_nik THEN c.nik_valid END AS nik) v
            WHERE NOT c.orphan""")
        kk_as_nik, invalid_nik, invalid_bd = con.execute(f"""
            SELECT count(*) FILTER (WHERE kk_as_nik),
                   count(*) FILTER (WHERE nik_raw IS NOT NULL AND nik_raw <> '' AND nik_valid IS NULL),
                   count(*) FILTER (WHERE bd_raw IS NOT NULL AND bd_raw <> '' AND bd IS NULL)
            FROM flagged_{side}""").fetchone()
        orphans = [r[0] for r in con.execute(f"SELECT record_id FROM checked_{side} WHERE orphan").fetchall()]
        stats[side] = FeatureStats(kk_as_nik, invalid_nik, invalid_bd, len(orphans), orphans[:5])
        release(con, [side])
    return stats


def release(con: duckdb.DuckDBPyConnection, sides) -> None:
    """Drop the intermediate tables and inputs of `prepare` (which calls it for each side it has built).

    At district size they would otherwise double the memory the run holds.
    """
    for side in sides:
        for table in ("checked", "flagged"):
            con.execute(f"DROP TABLE IF EXISTS {table}_{side}")
        for view in ("raw", "names", "hh"):
            con.unregister(f"{view}_{side}")


def features_table(con: duckdb.DuckDBPyConnection, side: str) -> pa.Table:
    """Return the prepared features of a side as Arrow."""
    return con.sql(f"SELECT {', '.join(COLUMNS)} FROM features_{side}").arrow().read_all()
