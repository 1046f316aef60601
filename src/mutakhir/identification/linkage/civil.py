"""Check registered people against a civil-registry extract (padan Dukcapil), in DuckDB or Spark SQL.

- `matched`: the NIK is in the extract and belongs to this person (similar name, or same birth
  date and sex);
- `nik_mismatch`: the person is in the extract under another NIK (found by name with birth date,
  or with KK), or the NIK given belongs to somebody else;
- `not_found`: neither (e.g. a newborn not yet recorded).

The functions take a DuckDB connection (initial identification) or an engine (`mutakhir.engines`:
verivali's sync runs on DuckDB or Spark), so both checks share one definition of "the same person".
"""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

from mutakhir.engines.base import DUCKDB, Dialect, EngineError

NAME_AGREES = 0.85  # Jaro-Winkler on normalised names, NIK found
NAME_FINDS = 0.88  # Jaro-Winkler on normalised names, searching without the NIK
STATUSES = ("matched", "nik_mismatch", "not_found")
# Splink's Spark jar (loaded by every local session, see engines/spark.py) holds the same Jaro-Winkler.
SPARK_JARO_WINKLER = "uk.gov.moj.dash.linkage.JaroWinklerSimilarity"


def dialect_of(db) -> Dialect:
    """Return the SQL dialect of an engine, DuckDB's for a plain DuckDB connection."""
    return getattr(db, "dialect", DUCKDB)


def similarity_sql(dialect: Dialect, left: str, right: str) -> str:
    """Return SQL for the Jaro-Winkler similarity of two strings, NULL when either is NULL.

    DuckDB's `jaro_winkler_similarity` and the Spark jar's `jaro_winkler` agree on non-empty strings;
    the jar's returns 0 for NULL and 1 for two empty strings, DuckDB's NULL and 0.
    """
    if dialect.name == "duckdb":
        return f"jaro_winkler_similarity({left}, {right})"
    return (f"CASE WHEN {left} IS NOT NULL AND {right} IS NOT NULL THEN CASE WHEN {left} = '' OR {right} = '' "
            f"THEN 0e0 ELSE jaro_winkler({left}, {right}) END END")


def create_table(db, name: str, query: str) -> None:
    """Create temporary table `name` from `query`, computed once (it is read more than once).

    On Spark a view over views carries the whole plan of every view below it, so chains of steps grow
    plans (and their explain strings) until the driver runs out of memory: the rows are checkpointed
    instead and the view reads them directly.
    """
    if dialect_of(db).name == "duckdb":
        db.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")
        return
    try:
        db.spark.sql(query).localCheckpoint().createOrReplaceTempView(name)
    except Exception as exc:  # pyspark raises many exception types
        raise EngineError(f"{exc}\n-- SQL:\n{query}") from exc


def prepare_functions(db) -> None:
    """Make the similarity function callable: on Spark, register the jar's Jaro-Winkler (idempotent)."""
    if dialect_of(db).name == "spark":
        from pyspark.sql.types import DoubleType

        db.spark.udf.registerJavaFunction("jaro_winkler", SPARK_JARO_WINKLER, DoubleType())


def check(db, left: str = "features_reg", civil: str = "features_civil") -> dict:
    """Return {record_id: (civil_record_id or None, status)} for every row of table `left`."""
    link_by_nik(db, left, civil)
    link_by_person(db, left, civil)
    sql = f"""
        SELECT l.record_id,
               coalesce(n.civil_record_id, p.civil_record_id),
               CASE WHEN n.civil_record_id IS NOT NULL THEN 'matched'
                    WHEN p.civil_record_id IS NOT NULL OR w.record_id IS NOT NULL THEN 'nik_mismatch'
                    ELSE 'not_found' END
        FROM {left} l
        LEFT JOIN (SELECT record_id, min(civil_record_id) AS civil_record_id FROM civil_by_nik WHERE agrees
                   GROUP BY record_id) n USING (record_id)
        LEFT JOIN civil_by_person p USING (record_id)
        LEFT JOIN (SELECT DISTINCT record_id FROM civil_by_nik WHERE NOT agrees) w USING (record_id)"""
    rows = db.fetch(sql) if hasattr(db, "fetch") else db.execute(sql).fetchall()
    return {record_id: (civil_id, status) for record_id, civil_id, status in rows}


def link_by_nik(db, left: str, civil: str) -> None:
    """Create `civil_by_nik`: every (record, civil record) pair with the same NIK, and whether the person agrees."""
    prepare_functions(db)
    create_table(db, "civil_by_nik", f"""
        SELECT l.record_id, c.record_id AS civil_record_id,
               coalesce({similarity_sql(dialect_of(db), 'l.name_norm', 'c.name_norm')}, 0) >= {NAME_AGREES}
               OR (l.birth_date = c.birth_date AND coalesce(l.sex = c.sex, true)) AS agrees
        FROM {left} l JOIN {civil} c ON l.nik = c.nik""")


def link_by_person(db, left: str, civil: str) -> None:
    """Create `civil_by_person`: the best civil record found without the NIK for each record of `left`
    not matched by NIK (run `link_by_nik` first)."""
    # Only the records the NIK did not settle: the birth-date join alone gives ~60 candidates a person.
    # NOT EXISTS, not NOT IN: Spark plans NOT IN as a null-aware join that compares every pair when large.
    prepare_functions(db)
    dialect = dialect_of(db)
    create_table(db, "civil_todo", f"""
        SELECT * FROM {left} l
        WHERE NOT EXISTS (SELECT 1 FROM civil_by_nik n WHERE n.agrees AND n.record_id = l.record_id)""")
    # Three equi-joins, not one join on OR (which would compare every pair).
    keys = ("birth_date", "kk", "name_norm, birth_year")
    candidates = " UNION ".join(
        f"SELECT l.record_id, c.record_id AS civil_record_id FROM civil_todo l JOIN {civil} c USING ({key})"
        for key in keys)
    similarity = similarity_sql(dialect, "l.name_norm", "c.name_norm")
    create_table(db, "civil_by_person", f"""
        SELECT record_id, civil_record_id FROM (
            SELECT l.record_id, c.record_id AS civil_record_id,
                   row_number() OVER (PARTITION BY l.record_id ORDER BY
                       {similarity} DESC, (l.kk = c.kk) DESC NULLS LAST,
                       (l.birth_date = c.birth_date) DESC NULLS LAST, c.record_id) AS rank
            FROM ({candidates}) k
            JOIN civil_todo l ON l.record_id = k.record_id JOIN {civil} c ON c.record_id = k.civil_record_id
            WHERE {similarity} >= {NAME_FINDS}
              AND coalesce(l.sex = c.sex, true))
        WHERE rank = 1""")
    db.execute("DROP TABLE civil_todo" if dialect.name == "duckdb" else "DROP VIEW civil_todo")
