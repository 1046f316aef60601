"""Check registered people against a civil-registry extract (padan Dukcapil), in DuckDB SQL.

- `matched`: the NIK is in the extract and belongs to this person (similar name, or same birth
  date and sex);
- `nik_mismatch`: the person is in the extract under another NIK (found by name with birth date,
  or with KK), or the NIK given belongs to somebody else;
- `not_found`: neither (e.g. a newborn not yet recorded).
"""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

import duckdb

NAME_AGREES = 0.85  # Jaro-Winkler on normalised names, NIK found
NAME_FINDS = 0.88  # Jaro-Winkler on normalised names, searching without the NIK
STATUSES = ("matched", "nik_mismatch", "not_found")


def check(con: duckdb.DuckDBPyConnection, left: str = "features_reg", civil: str = "features_civil") -> dict:
    """Return {record_id: (civil_record_id or None, status)} for every row of table `left`."""
    link_by_nik(con, left, civil)
    link_by_person(con, left, civil)
    rows = con.execute(f"""
        SELECT l.record_id,
               coalesce(n.civil_record_id, p.civil_record_id),
               CASE WHEN n.civil_record_id IS NOT NULL THEN 'matched'
                    WHEN p.civil_record_id IS NOT NULL OR w.record_id IS NOT NULL THEN 'nik_mismatch'
                    ELSE 'not_found' END
        FROM {left} l
        LEFT JOIN (SELECT record_id, min(civil_record_id) AS civil_record_id FROM civil_by_nik WHERE agrees
                   GROUP BY record_id) n USING (record_id)
        LEFT JOIN civil_by_person p USING (record_id)
        LEFT JOIN (SELECT DISTINCT record_id FROM civil_by_nik WHERE NOT agrees) w USING (record_id)""").fetchall()
    return {record_id: (civil_id, status) for record_id, civil_id, status in rows}


def link_by_nik(con: duckdb.DuckDBPyConnection, left: str, civil: str) -> None:
    """Create `civil_by_nik`: every (record, civil record) pair with the same NIK, and whether the person agrees."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_by_nik AS
        SELECT l.record_id, c.record_id AS civil_record_id,
               coalesce(jaro_winkler_similarity(l.name_norm, c.name_norm), 0) >= {NAME_AGREES}
               OR (l.birth_date = c.birth_date AND coalesce(l.sex = c.sex, true)) AS agrees
        FROM {left} l JOIN {civil} c ON l.nik = c.nik""")


def link_by_person(con: duckdb.DuckDBPyConnection, left: str, civil: str) -> None:
    """Create `civil_by_person`: the best civil record found without the NIK for each record of `left`
    not matched by NIK (run `link_by_nik` first)."""
    # Only the records the NIK did not settle: the birth-date join alone gives ~60 candidates a person.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_todo AS
        SELECT * FROM {left} WHERE record_id NOT IN (SELECT record_id FROM civil_by_nik WHERE agrees)""")
    # Three equi-joins, not one join on OR (which would compare every pair).
    keys = ("birth_date", "kk", "name_norm, birth_year")
    candidates = " UNION ".join(
        f"SELECT l.record_id, c.record_id AS civil_record_id FROM civil_todo l JOIN {civil} c USING ({key})"
        for key in keys)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_by_person AS
        SELECT record_id, civil_record_id FROM (
            SELECT l.record_id, c.record_id AS civil_record_id,
                   row_number() OVER (PARTITION BY l.record_id ORDER BY
                       jaro_winkler_similarity(l.name_norm, c.name_norm) DESC, (l.kk = c.kk) DESC NULLS LAST,
                       (l.birth_date = c.birth_date) DESC NULLS LAST, c.record_id) AS rank
            FROM ({candidates}) k
            JOIN civil_todo l ON l.record_id = k.record_id JOIN {civil} c ON c.record_id = k.civil_record_id
            WHERE jaro_winkler_similarity(l.name_norm, c.name_norm) >= {NAME_FINDS}
              AND coalesce(l.sex = c.sex, true))
        WHERE rank = 1""")
    con.execute("DROP TABLE civil_todo")
