"""Civil-registry sync in DuckDB or Spark SQL: what a newer civil-registry extract says changed for registry members.

Each active member is linked to the extract the way initial identification checks people against
the civil registry (`identification.linkage.civil`): by a valid NIK when the person agrees (name or
birth date), otherwise by normalised name with the same birth date. From a link follow the findings:

- `death`: the extract row has a `death_date`;
- `move`: the extract's domicile village lies in another district;
- `kk_change`: the extract's KK differs from the member's;
- `nik_correction`: linked without the NIK (name, birth date and the same KK) to a different valid NIK.

Most members carry the NIK the extract has, with the same birth date and sex: they are linked first by
that alone, so the costly name normalisation only runs on the rest (a few percent of the registry and
the extract's other people).

A finding is *exact* when the link is by NIK (for a NIK correction: the extract's `previous_nik` is the
member's NIK). Bad input is flagged on the finding (`problem`) or in the summary, never dropped
silently: NIKs that appear twice in the extract, a death followed by a newer registration of the same
person, a new NIK another member holds, extract rows of people of another region, unreadable dates.

The same SQL runs on either engine (`engine.dialect` picks the few functions that differ, see `_Sql`).
The inputs come as Arrow tables (from files or the database); the linkage features of the few members
not linked quickly are built by `identification.linkage.features`, which is DuckDB SQL: on Spark they
are built in an in-process DuckDB and handed over.
"""

# ruff: noqa: S608 -- SQL is built from our own table names, validated region digits and constants.

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mutakhir.engines import Dialect, EngineError
from mutakhir.engines.spark import parquet_frame
from mutakhir.identification.linkage import civil, features, io
from mutakhir.identification.linkage.nik_compare import NIK_PATTERN, kk_as_nik_sql, valid_nik_sql
from mutakhir.identification.linkage.normalize import normalize_names

FINDING_COLUMNS = ["record_id", "household_id", "region_code", "kind", "exact", "method", "civil_record_id",
                   "civil_line", "current_value", "proposed_value", "name_similarity", "problem", "civil_region",
                   "registered_on"]
EXTRACT_EXTRAS = ("region_code", "death_date", "previous_nik", "sex", "kk", "nik", "birth_date")
EXAMPLES = 5
Progress = Callable[[int, int | None, str], None]
ENGINES = ("duckdb", "spark")
# What DuckDB's TRY_CAST(... AS DATE) reads as a date in exchange files: year, month and day separated by
# "-", "/" or " ", optionally followed by a time; Spark's cast reads "2020" or "2020-01" too, so it is narrowed.
SPARK_DATE = r"^\s*([0-9]{4})([-/ ])([0-9]{1,2})\2([0-9]{1,2})([ T][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?)?\s*$"


class _Sql:
    """The SQL fragments of the sync that differ between DuckDB and Spark."""

    def __init__(self, dialect: Dialect):
        self.dialect, self.duckdb = dialect, dialect.name == "duckdb"

    def valid_nik(self, column: str) -> str:
        if self.duckdb:
            return valid_nik_sql(column)
        return f"CASE WHEN {column} RLIKE '{NIK_PATTERN}' AND length({column}) = 16 THEN {column} END"

    def digits(self, expr: str) -> str:
        return f"regexp_replace({expr}, '[^0-9]', '', 'g')" if self.duckdb else f"regexp_replace({expr}, '[^0-9]', '')"

    def date(self, expr: str) -> str:
        if self.duckdb:
            return f"TRY_CAST({expr} AS DATE)"
        pattern = self.dialect.string(SPARK_DATE)
        return (f"CASE WHEN {expr} RLIKE {pattern} THEN TRY_CAST(regexp_replace({expr}, {pattern}, '$1-$3-$4') "
                f"AS DATE) END")

    def date_text(self, expr: str) -> str:
        return f"strftime({expr}, '%Y-%m-%d')" if self.duckdb else f"date_format({expr}, 'yyyy-MM-dd')"

    def sorted_list(self, column: str) -> str:
        """Aggregate: the column's values in order (NULL over no rows, as DuckDB's `list`)."""
        if self.duckdb:
            return f"list({column} ORDER BY {column})"
        return f"CASE WHEN count({column}) > 0 THEN array_sort(collect_list({column})) END"

    def head(self, array: str, n: int) -> str:
        return f"{array}[1:{n}]" if self.duckdb else f"slice({array}, 1, {n})"

    def similarity(self, left: str, right: str) -> str:
        return civil.similarity_sql(self.dialect, left, right)


@dataclass
class SyncInputs:
    """The registry's members (with households for their village), the extract, and optional registrations."""

    members: pa.Table
    households: pa.Table
    extract: pa.Table
    registrations: tuple[pa.Table, pa.Table] | None = None  # (members, households with registered_on)


def read_extract(path: str | Path) -> pa.Table:
    """Read the extract's members.csv (or .parquet); `region_code` is required, other extras optional."""
    table, name = io.read_table(path, "members", kind="civil")
    if "region_code" not in table.column_names:
        raise io.InputError(f"{name}: required column(s) missing: region_code (the current domicile village)")
    if "household_id" not in table.column_names:  # one person per family: duplicate NIKs stay visible
        table = table.append_column("household_id", table["record_id"])
    for column in EXTRACT_EXTRAS:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, pa.string()))
    return table.append_column("line", pa.array(range(2, table.num_rows + 2), pa.int64()))


def read_registry(path: str | Path) -> tuple[pa.Table, pa.Table]:
    """Read a registry dataset (households, members) as all-text tables."""
    return io.read_table(path, "members")[0], io.read_table(path, "households")[0]


def read_registrations(path: str | Path) -> tuple[pa.Table, pa.Table]:
    """Read a registrations dataset; households need `registered_on` (YYYY-MM-DD)."""
    households, name = io.read_table(path, "households")
    if "registered_on" not in households.column_names:
        raise io.InputError(f"{name}: required column(s) missing: registered_on")
    return io.read_table(path, "members")[0], households


def in_district(members: pa.Table, households: pa.Table, district: str) -> tuple[pa.Table, pa.Table]:
    """Keep the households (and their members) whose village code starts with `district` (plain digits)."""
    if not district:
        return members, households
    codes = pc.replace_substring_regex(households["region_code"], pattern=r"[^0-9]", replacement="")
    households = households.filter(pc.fill_null(pc.starts_with(codes, district), False))
    return members.filter(pc.is_in(members["household_id"], value_set=households["household_id"])), households


def find_changes(engine, inputs: SyncInputs, *, district: str = "", progress: Progress | None = None) -> dict:
    """Create table `findings` (FINDING_COLUMNS) in the engine; return the summary."""
    if engine.dialect.name not in ENGINES:
        raise EngineError(f"the civil-registry sync runs on {' or '.join(ENGINES)}, not {engine.dialect.name}")
    if district and not district.isdigit():
        raise ValueError(f"district code must be digits: {district!r}")
    sql = _Sql(engine.dialect)
    steps = _steps(sql, district, with_registrations=inputs.registrations is not None)
    total = len(steps) + 2
    report = progress or (lambda done, total, note: None)
    report(0, total, "link by NIK and birth date")
    members = _with_columns(inputs.members, ("nik", "kk", "sex", "birth_date"))
    duck = engine.dialect.name == "duckdb"
    with contextlib.nullcontext() if duck else tempfile.TemporaryDirectory(prefix="mutakhir-sync-") as scratch:
        def put(name: str, table: pa.Table) -> None:
            _put(engine, name, table, scratch)

        put("in_reg", members)
        put("in_hh", inputs.households.select(["household_id", "region_code"]))
        put("in_civ", inputs.extract)
        _create(engine, _quick_link_sql(sql))
        report(1, total, "features")
        _prepare_rest(engine, put, inputs, members)
        for i, (label, step) in enumerate(steps, 2):
            report(i, total, label)
            if callable(step):
                step(engine)
            else:
                _create(engine, step)
        return _summary(engine, sql, inputs)


def _create(engine, tables: list[tuple[str, str]]) -> None:
    """Create each (name, query) as a temporary table, in order."""
    for name, query in tables:
        civil.create_table(engine, name, query)


def _put(engine, name: str, table: pa.Table, scratch: str | None) -> None:
    """Expose an Arrow table as view `name`: zero-copy on DuckDB; on Spark through a Parquet file in
    folder `scratch` (a DataFrame made from Arrow would hold the rows in the driver's memory, which a
    district's registry and extract exhaust)."""
    if engine.dialect.name == "duckdb":
        engine.con.register(name, table)
    else:
        parquet_frame(engine.spark, table, scratch, name).createOrReplaceTempView(name)


def _arrow(engine, query: str) -> pa.Table:
    if engine.dialect.name == "duckdb":
        return engine.con.sql(query).arrow().read_all()
    return engine.spark.sql(query).toArrow()


def _with_columns(table: pa.Table, columns) -> pa.Table:
    for column in columns:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, pa.string()))
    return table


def _quick_link_sql(sql: _Sql) -> list[str]:
    """Return SQL creating `q_reg` (every member with village and checked numbers) and `quick_links`.

    A quick link is the civil check's agreement without names: the same valid NIK (not a KK typed as
    NIK), the same birth date and no contradicting sex.
    """
    checked = """
        SELECT m.record_id, {household} AS household_id, {nik} AS nik_valid, {kk} AS kk,
               {bd} AS bd, CASE WHEN m.sex IN ('1', '2') THEN m.sex END AS sex,
               lower(m.name) AS name_lower{extra}
        FROM {source} m {join}"""
    reg = checked.format(household="m.household_id", nik=sql.valid_nik("m.nik"), kk=sql.valid_nik("m.kk"),
                         bd=sql.date("m.birth_date"), source="in_reg",
                         extra=f", {sql.digits('h.region_code')} AS village",
                         join="JOIN in_hh h ON h.household_id = m.household_id")
    civ = checked.format(household="m.household_id", nik=sql.valid_nik("m.nik"), kk=sql.valid_nik("m.kk"),
                         bd=sql.date("m.birth_date"), source="in_civ", extra="", join="")
    return [("q_reg_checked", reg), ("q_civ_checked", civ),
            ("q_reg", kk_as_nik_sql("q_reg_checked")), ("q_civ", kk_as_nik_sql("q_civ_checked")),
            ("quick_links", """
                SELECT r.record_id, c.record_id AS civil_record_id
                FROM q_reg r JOIN q_civ c ON r.nik_valid = c.nik_valid
                WHERE NOT r.kk_as_nik AND NOT c.kk_as_nik AND r.bd = c.bd AND coalesce(r.sex = c.sex, true)""")]


def _prepare_rest(engine, put: Callable[[str, pa.Table], None], inputs: SyncInputs, members: pa.Table) -> None:
    """Build the linkage features (normalised names) of the members and extract rows not linked quickly."""
    linked = _arrow(engine, "SELECT DISTINCT record_id FROM quick_links")["record_id"]
    used = _arrow(engine, "SELECT DISTINCT civil_record_id FROM quick_links")["civil_record_id"]
    rest = members.filter(pc.invert(pc.is_in(members["record_id"], value_set=linked)))
    civil_rest = inputs.extract.filter(pc.invert(pc.is_in(inputs.extract["record_id"], value_set=used)))
    sides = {"reg": (rest, inputs.households), "civil": (civil_rest, None)}
    if inputs.registrations is not None:
        sides["regn"] = inputs.registrations
        put("regn_households", inputs.registrations[1].select(["household_id", "registered_on"]))
        dead = _arrow(engine, """
            SELECT DISTINCT k.record_id FROM quick_links k JOIN in_civ c ON c.record_id = k.civil_record_id
            WHERE NULLIF(c.death_date, '') IS NOT NULL""")["record_id"]
        names = members.filter(pc.is_in(members["record_id"], value_set=dead))
        put("dead_names", pa.table({"record_id": names["record_id"],
                                    "name_norm": normalize_names(names["name"].combine_chunks())[0]}))
    else:
        put("dead_names", pa.table({"record_id": pa.array([], pa.string()), "name_norm": pa.array([], pa.string())}))
    if engine.dialect.name == "duckdb":
        features.prepare(engine.con, sides)
        return
    con = duckdb.connect()  # features are DuckDB SQL; only the few members not linked quickly come here
    try:
        features.prepare(con, sides)
        for side in sides:
            put(f"features_{side}", features.features_table(con, side))
    finally:
        con.close()


def _steps(sql: _Sql, district: str, *, with_registrations: bool) -> list[tuple[str, list | Callable]]:
    """Return (label, [(table, query), ...] or a function of the engine) in order."""
    # NOT EXISTS rather than NOT IN where the list is long: Spark plans NOT IN as a null-aware join.
    outside = (f"substr(region, 1, {len(district)}) <> '{district}'" if district
               else "substr(region, 1, 4) NOT IN (SELECT DISTINCT substr(village, 1, 4) FROM q_reg "
                    "WHERE village IS NOT NULL)")
    return [
        ("extract", [("civ", f"""
            SELECT record_id, line, {sql.valid_nik('nik')} AS nik, {sql.valid_nik('kk')} AS kk,
                   {sql.digits("coalesce(region_code, '')")} AS region,
                   NULLIF(death_date, '') AS death_raw, {sql.date('death_date')} AS death_date,
                   {sql.valid_nik('previous_nik')} AS previous_nik
            FROM in_civ""")]),
        ("duplicates", [("dup_niks", f"""
            SELECT nik, count(*) AS n, {sql.sorted_list('line')} AS lines FROM civ WHERE nik IS NOT NULL
            GROUP BY nik HAVING count(*) > 1""")]),
        ("registry", [("reg_raw", f"""
            SELECT record_id, coalesce(nik, '') AS nik_raw, coalesce(kk, '') AS kk_raw,
                   {sql.valid_nik('nik')} AS nik FROM in_reg""")]),
        ("link by NIK", lambda engine: civil.link_by_nik(engine, "features_reg", "features_civil")),
        ("link by name", lambda engine: (civil.create_table(engine, "reg_unlinked", """
            SELECT * FROM features_reg l
            WHERE NOT EXISTS (SELECT 1 FROM civil_by_nik n WHERE n.agrees AND n.record_id = l.record_id)"""),
                                         civil.link_by_person(engine, "reg_unlinked", "features_civil"))),
        ("links", [("links", """
            SELECT record_id, civil_record_id, 'nik' AS method FROM (
                SELECT n.record_id, n.civil_record_id, row_number() OVER (
                    PARTITION BY n.record_id ORDER BY (c.death_date IS NOT NULL) DESC, c.line) AS rank
                FROM (SELECT record_id, civil_record_id FROM quick_links
                      UNION ALL SELECT record_id, civil_record_id FROM civil_by_nik WHERE agrees) n
                JOIN civ c ON c.record_id = n.civil_record_id)
            WHERE rank = 1
            UNION ALL
            SELECT p.record_id, p.civil_record_id, 'name_birth' FROM civil_by_person p
            JOIN features_reg l ON l.record_id = p.record_id JOIN features_civil c ON c.record_id = p.civil_record_id
            WHERE l.birth_date = c.birth_date""")]),
        ("facts", [("facts", f"""
            SELECT k.record_id, l.household_id, l.village, k.method, k.civil_record_id, c.line AS civil_line,
                   round(coalesce({sql.similarity('fl.name_norm', 'fc.name_norm')},
                                  {sql.similarity('l.name_lower', 'qc.name_lower')}, 0), 3) AS name_similarity,
                   r.nik_raw, r.kk_raw, r.nik AS reg_nik, l.kk AS reg_kk,
                   coalesce(fl.name_norm, dn.name_norm) AS name_norm,
                   {sql.date_text('l.bd')} AS birth_date,
                   c.nik AS civil_nik, c.kk AS civil_kk, c.region AS civil_region, c.death_date, c.previous_nik,
                   (d1.nik IS NOT NULL OR d2.nik IS NOT NULL) AS duplicate_nik,
                   c.death_date IS NULL AND length(c.region) = 10
                       AND substr(c.region, 1, 4) <> substr(l.village, 1, 4) AS moved
            FROM links k JOIN q_reg l ON l.record_id = k.record_id JOIN reg_raw r ON r.record_id = k.record_id
            JOIN civ c ON c.record_id = k.civil_record_id JOIN q_civ qc ON qc.record_id = k.civil_record_id
            LEFT JOIN features_reg fl ON fl.record_id = k.record_id
            LEFT JOIN features_civil fc ON fc.record_id = k.civil_record_id
            LEFT JOIN dead_names dn ON dn.record_id = k.record_id
            LEFT JOIN dup_niks d1 ON d1.nik = c.nik LEFT JOIN dup_niks d2 ON d2.nik = r.nik""")]),
        ("registrations", _later_registrations_sql(sql, with_registrations)),
        ("findings", _findings_sql(sql)),
        ("outside", [("outside_rows", f"""
            SELECT record_id, line FROM civ
            WHERE length(region) = 10 AND {outside}
              AND NOT EXISTS (SELECT 1 FROM links k WHERE k.civil_record_id = civ.record_id)""")]),
    ]


def _later_registrations_sql(sql: _Sql, with_registrations: bool) -> list[tuple[str, str]]:
    """Return SQL creating `later_registrations`: deaths whose person registered after the death date."""
    if not with_registrations:
        return [("later_registrations", f"SELECT CAST(NULL AS {sql.dialect.string_type}) AS record_id, "
                                        "CAST(NULL AS DATE) AS registered_on WHERE false")]
    keys = ("r.nik = f.civil_nik", "r.nik = f.reg_nik", "r.name_norm = f.name_norm AND r.birth_date = f.birth_date")
    union = " UNION ALL ".join(f"""
        SELECT f.record_id, {sql.date('h.registered_on')} AS registered_on, f.death_date
        FROM facts f JOIN features_regn r ON {on} JOIN regn_households h ON h.household_id = r.household_id
        WHERE f.death_date IS NOT NULL""" for on in keys)
    return [("later_registrations", f"""
        SELECT record_id, max(registered_on) AS registered_on FROM ({union}) p
        WHERE registered_on > death_date GROUP BY record_id""")]


def _findings_sql(sql: _Sql) -> list[tuple[str, str]]:
    common = ("f.record_id, f.household_id, f.village AS region_code, {kind} AS kind, {exact} AS exact, f.method, "
              "f.civil_record_id, f.civil_line, {current} AS current_value, {proposed} AS proposed_value, "
              "f.name_similarity, {problem} AS problem, f.civil_region")
    dup = "CASE WHEN f.duplicate_nik THEN 'duplicate_nik' ELSE '' END"
    by_nik = "f.method = 'nik'"
    in_use = "LEFT JOIN (SELECT DISTINCT nik FROM reg_raw WHERE nik IS NOT NULL) u ON u.nik = f.civil_nik"
    parts = [
        (common.format(kind="'death'", exact=by_nik, current="''", proposed=sql.date_text("f.death_date"),
                       problem=f"CASE WHEN g.record_id IS NOT NULL THEN 'registered_after_death' ELSE {dup} END"),
         "", "f.death_date IS NOT NULL"),
        (common.format(kind="'move'", exact=by_nik, current="f.village", proposed="f.civil_region", problem=dup),
         "", "f.moved"),
        (common.format(kind="'kk_change'", exact=by_nik, current="f.kk_raw", proposed="f.civil_kk", problem=dup),
         "", "f.death_date IS NULL AND NOT f.moved AND f.civil_kk IS NOT NULL AND f.civil_kk <> f.kk_raw "
             "AND (f.method = 'nik' OR f.reg_nik IS NULL)"),
        (common.format(kind="'nik_correction'", exact="coalesce(f.previous_nik = f.reg_nik, false)",
                       current="f.nik_raw", proposed="f.civil_nik",
                       problem=f"CASE WHEN u.nik IS NOT NULL THEN 'nik_in_use' ELSE {dup} END"),
         in_use, "f.method = 'name_birth' AND f.death_date IS NULL AND NOT f.moved AND f.civil_nik IS NOT NULL "
                 "AND f.civil_nik <> f.nik_raw AND f.civil_kk = f.reg_kk"),
    ]
    union = " UNION ALL ".join(
        f"SELECT {select}, g.registered_on FROM facts f LEFT JOIN later_registrations g "
        f"ON g.record_id = f.record_id {join} WHERE {where}" for select, join, where in parts)
    return [("findings", union)]


def _summary(engine, sql: _Sql, inputs: SyncInputs) -> dict:
    one = lambda query: engine.fetch(query)[0]  # noqa: E731
    lines = f"{sql.head(sql.sorted_list('line'), EXAMPLES)}"
    by_method = dict(engine.fetch("SELECT method, count(*) FROM links GROUP BY method"))
    kinds = {}
    for kind, exact, problem, n in engine.fetch(
            "SELECT kind, exact, problem, count(*) FROM findings GROUP BY kind, exact, problem "
            "ORDER BY kind, exact, problem"):
        entry = kinds.setdefault(kind, {"exact": 0, "other": 0, "flagged": 0})
        entry["flagged" if problem else "exact" if exact else "other"] += n
    first_two = sql.head("lines", 2)
    dups = one(f"SELECT count(*), coalesce(sum(n), 0), {sql.head(sql.sorted_list(first_two), EXAMPLES)} "
               f"FROM dup_niks")
    outside = one(f"SELECT count(*), {lines} FROM outside_rows")
    bad_region = one(f"SELECT count(*), {lines} FROM civ WHERE length(region) <> 10")
    bad_death = one(f"SELECT count(*), {lines} FROM civ WHERE death_raw IS NOT NULL AND death_date IS NULL")
    future_death = one(f"SELECT count(*), {lines} FROM civ WHERE death_date > DATE '{dt.date.today().isoformat()}'")
    return {
        "members": inputs.members.num_rows, "extract_rows": inputs.extract.num_rows,
        "linked_by_nik": by_method.get("nik", 0), "linked_by_name_birth": by_method.get("name_birth", 0),
        "findings": kinds,
        "input_problems": {
            "duplicate_nik": {"niks": dups[0], "rows": int(dups[1]), "lines": dups[2]},
            "outside_region": {"rows": outside[0], "lines": outside[1]},
            "bad_region_code": {"rows": bad_region[0], "lines": bad_region[1]},
            "bad_death_date": {"rows": bad_death[0], "lines": bad_death[1]},
            "future_death_date": {"rows": future_death[0], "lines": future_death[1]},
        },
    }


def write_findings(engine, out: Path) -> Path:
    """Write findings.csv (FINDING_COLUMNS) into folder `out`."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "findings.csv"
    engine.export(f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings ORDER BY region_code, kind, record_id", path)
    return path


def fetch_findings(engine) -> list[dict]:
    """Return the findings as dicts (FINDING_COLUMNS)."""
    rows = engine.fetch(f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings ORDER BY region_code, kind, record_id")
    return [dict(zip(FINDING_COLUMNS, row, strict=True)) for row in rows]
