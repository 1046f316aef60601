"""Civil-registry sync in DuckDB SQL: what a newer civil-registry extract says changed for registry members.

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
"""

# ruff: noqa: S608 -- SQL is built from our own table names, validated region digits and constants.

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from mutakhir.engines import EngineError
from mutakhir.identification.linkage import civil, features, io
from mutakhir.identification.linkage.nik_compare import kk_as_nik_sql, valid_nik_sql
from mutakhir.identification.linkage.normalize import normalize_names

FINDING_COLUMNS = ["record_id", "household_id", "region_code", "kind", "exact", "method", "civil_record_id",
                   "civil_line", "current_value", "proposed_value", "name_similarity", "problem", "civil_region",
                   "registered_on"]
EXTRACT_EXTRAS = ("region_code", "death_date", "previous_nik", "sex", "kk", "nik", "birth_date")
EXAMPLES = 5
Progress = Callable[[int, int | None, str], None]


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
    if engine.dialect.name != "duckdb":
        raise EngineError(f"the civil-registry sync runs on DuckDB only, not {engine.dialect.name}")
    if district and not district.isdigit():
        raise ValueError(f"district code must be digits: {district!r}")
    con = engine.con
    steps = _steps(district, with_registrations=inputs.registrations is not None)
    total = len(steps) + 2
    report = progress or (lambda done, total, note: None)
    report(0, total, "link by NIK and birth date")
    members = _with_columns(inputs.members, ("nik", "kk", "sex", "birth_date"))
    con.register("in_reg", members)
    con.register("in_hh", inputs.households.select(["household_id", "region_code"]))
    con.register("in_civ", inputs.extract)
    for sql in _quick_link_sql():
        engine.execute(sql)
    report(1, total, "features")
    _prepare_rest(con, inputs, members)
    for i, (label, sql) in enumerate(steps, 2):
        report(i, total, label)
        if callable(sql):
            sql(con)
        else:
            engine.execute(sql)
    return _summary(engine, inputs)


def _with_columns(table: pa.Table, columns) -> pa.Table:
    for column in columns:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, pa.string()))
    return table


def _quick_link_sql() -> list[str]:
    """Return SQL creating `q_reg` (every member with village and checked numbers) and `quick_links`.

    A quick link is the civil check's agreement without names: the same valid NIK (not a KK typed as
    NIK), the same birth date and no contradicting sex.
    """
    checked = """
        CREATE OR REPLACE TEMP TABLE {name}_checked AS
        SELECT m.record_id, {household} AS household_id, {nik} AS nik_valid, {kk} AS kk,
               TRY_CAST(m.birth_date AS DATE) AS bd, CASE WHEN m.sex IN ('1', '2') THEN m.sex END AS sex,
               lower(m.name) AS name_lower{extra}
        FROM {source} m {join}"""
    reg = checked.format(name="q_reg", household="m.household_id", nik=valid_nik_sql("m.nik"),
                         kk=valid_nik_sql("m.kk"), source="in_reg",
                         extra=", regexp_replace(h.region_code, '[^0-9]', '', 'g') AS village",
                         join="JOIN in_hh h ON h.household_id = m.household_id")
    civ = checked.format(name="q_civ", household="m.household_id", nik=valid_nik_sql("m.nik"),
                         kk=valid_nik_sql("m.kk"), source="in_civ", extra="", join="")
    return [reg, civ,
            f"CREATE OR REPLACE TEMP TABLE q_reg AS {kk_as_nik_sql('q_reg_checked')}",
            f"CREATE OR REPLACE TEMP TABLE q_civ AS {kk_as_nik_sql('q_civ_checked')}",
            """
            CREATE OR REPLACE TEMP TABLE quick_links AS
            SELECT r.record_id, c.record_id AS civil_record_id FROM q_reg r JOIN q_civ c ON r.nik_valid = c.nik_valid
            WHERE NOT r.kk_as_nik AND NOT c.kk_as_nik AND r.bd = c.bd AND coalesce(r.sex = c.sex, true)"""]


def _prepare_rest(con, inputs: SyncInputs, members: pa.Table) -> None:
    """Build the linkage features (normalised names) of the members and extract rows not linked quickly."""
    linked = con.sql("SELECT DISTINCT record_id FROM quick_links").arrow().read_all()["record_id"]
    used = con.sql("SELECT DISTINCT civil_record_id FROM quick_links").arrow().read_all()["civil_record_id"]
    rest = members.filter(pc.invert(pc.is_in(members["record_id"], value_set=linked)))
    civil_rest = inputs.extract.filter(pc.invert(pc.is_in(inputs.extract["record_id"], value_set=used)))
    sides = {"reg": (rest, inputs.households), "civil": (civil_rest, None)}
    if inputs.registrations is not None:
        sides["regn"] = inputs.registrations
        con.register("regn_households", inputs.registrations[1].select(["household_id", "registered_on"]))
        dead = con.sql("""
            SELECT DISTINCT k.record_id FROM quick_links k JOIN in_civ c ON c.record_id = k.civil_record_id
            WHERE NULLIF(c.death_date, '') IS NOT NULL""").arrow().read_all()["record_id"]
        names = members.filter(pc.is_in(members["record_id"], value_set=dead))
        con.register("dead_names", pa.table({"record_id": names["record_id"],
                                             "name_norm": normalize_names(names["name"].combine_chunks())[0]}))
    else:
        con.register("dead_names", pa.table({"record_id": pa.array([], pa.string()),
                                             "name_norm": pa.array([], pa.string())}))
    features.prepare(con, sides)


def _steps(district: str, *, with_registrations: bool) -> list[tuple[str, str | Callable]]:
    outside = (f"NOT starts_with(region, '{district}')" if district
               else "substr(region, 1, 4) NOT IN (SELECT DISTINCT substr(village, 1, 4) FROM q_reg)")
    return [
        ("extract", f"""
            CREATE OR REPLACE TEMP TABLE civ AS
            SELECT record_id, line, {valid_nik_sql('nik')} AS nik, {valid_nik_sql('kk')} AS kk,
                   regexp_replace(coalesce(region_code, ''), '[^0-9]', '', 'g') AS region,
                   NULLIF(death_date, '') AS death_raw, TRY_CAST(death_date AS DATE) AS death_date,
                   {valid_nik_sql('previous_nik')} AS previous_nik
            FROM in_civ"""),
        ("duplicates", """
            CREATE OR REPLACE TEMP TABLE dup_niks AS
            SELECT nik, count(*) AS n, list(line ORDER BY line) AS lines FROM civ WHERE nik IS NOT NULL
            GROUP BY nik HAVING count(*) > 1"""),
        ("registry", f"""
            CREATE OR REPLACE TEMP TABLE reg_raw AS
            SELECT record_id, coalesce(nik, '') AS nik_raw, coalesce(kk, '') AS kk_raw,
                   {valid_nik_sql('nik')} AS nik FROM in_reg"""),
        ("link by NIK", lambda con: civil.link_by_nik(con, "features_reg", "features_civil")),
        ("link by name", lambda con: (con.execute("""
            CREATE OR REPLACE TEMP TABLE reg_unlinked AS SELECT * FROM features_reg
            WHERE record_id NOT IN (SELECT record_id FROM civil_by_nik WHERE agrees)"""),
                                      civil.link_by_person(con, "reg_unlinked", "features_civil"))),
        ("links", """
            CREATE OR REPLACE TEMP TABLE links AS
            SELECT record_id, civil_record_id, 'nik' AS method FROM (
                SELECT n.record_id, n.civil_record_id, row_number() OVER (
                    PARTITION BY n.record_id ORDER BY (c.death_date IS NOT NULL) DESC, c.line) AS rank
                FROM (SELECT record_id, civil_record_id FROM quick_links
                      UNION ALL SELECT record_id, civil_record_id FROM civil_by_nik WHERE agrees) n
                JOIN civ c ON c.record_id = n.civil_record_id)
            WHERE rank = 1
            UNION ALL
            SELECT p.record_id, p.civil_record_id, 'name_birth' FROM civil_by_person p
            JOIN features_reg l USING (record_id) JOIN features_civil c ON c.record_id = p.civil_record_id
            WHERE l.birth_date = c.birth_date"""),
        ("facts", """
            CREATE OR REPLACE TEMP TABLE facts AS
            SELECT k.record_id, l.household_id, l.village, k.method, k.civil_record_id, c.line AS civil_line,
                   round(coalesce(jaro_winkler_similarity(fl.name_norm, fc.name_norm),
                                  jaro_winkler_similarity(l.name_lower, qc.name_lower), 0), 3) AS name_similarity,
                   r.nik_raw, r.kk_raw, r.nik AS reg_nik, l.kk AS reg_kk,
                   coalesce(fl.name_norm, dn.name_norm) AS name_norm,
                   strftime(l.bd, '%Y-%m-%d') AS birth_date,
                   c.nik AS civil_nik, c.kk AS civil_kk, c.region AS civil_region, c.death_date, c.previous_nik,
                   (d1.nik IS NOT NULL OR d2.nik IS NOT NULL) AS duplicate_nik,
                   c.death_date IS NULL AND length(c.region) = 10
                       AND substr(c.region, 1, 4) <> substr(l.village, 1, 4) AS moved
            FROM links k JOIN q_reg l USING (record_id) JOIN reg_raw r USING (record_id)
            JOIN civ c ON c.record_id = k.civil_record_id JOIN q_civ qc ON qc.record_id = k.civil_record_id
            LEFT JOIN features_reg fl ON fl.record_id = k.record_id
            LEFT JOIN features_civil fc ON fc.record_id = k.civil_record_id
            LEFT JOIN dead_names dn ON dn.record_id = k.record_id
            LEFT JOIN dup_niks d1 ON d1.nik = c.nik LEFT JOIN dup_niks d2 ON d2.nik = r.nik"""),
        ("registrations", _later_registrations_sql(with_registrations)),
        ("findings", _findings_sql()),
        ("outside", f"""
            CREATE OR REPLACE TEMP TABLE outside_rows AS
            SELECT record_id, line FROM civ
            WHERE length(region) = 10 AND {outside}
              AND record_id NOT IN (SELECT civil_record_id FROM links)"""),
    ]


def _later_registrations_sql(with_registrations: bool) -> str:
    """Return SQL creating `later_registrations`: deaths whose person registered after the death date."""
    if not with_registrations:
        return "CREATE OR REPLACE TEMP TABLE later_registrations (record_id VARCHAR, registered_on DATE)"
    person = """
        SELECT f.record_id, TRY_CAST(h.registered_on AS DATE) AS registered_on, f.death_date
        FROM facts f JOIN features_regn r ON {on} JOIN regn_households h ON h.household_id = r.household_id
        WHERE f.death_date IS NOT NULL"""
    keys = ("r.nik = f.civil_nik", "r.nik = f.reg_nik", "r.name_norm = f.name_norm AND r.birth_date = f.birth_date")
    union = " UNION ALL ".join(person.format(on=on) for on in keys)
    return f"""
        CREATE OR REPLACE TEMP TABLE later_registrations AS
        SELECT record_id, max(registered_on) AS registered_on FROM ({union})
        WHERE registered_on > death_date GROUP BY record_id"""


def _findings_sql() -> str:
    common = ("f.record_id, f.household_id, f.village AS region_code, {kind} AS kind, {exact} AS exact, f.method, "
              "f.civil_record_id, f.civil_line, {current} AS current_value, {proposed} AS proposed_value, "
              "f.name_similarity, {problem} AS problem, f.civil_region")
    dup = "CASE WHEN f.duplicate_nik THEN 'duplicate_nik' ELSE '' END"
    by_nik = "f.method = 'nik'"
    parts = [
        (common.format(kind="'death'", exact=by_nik, current="''", proposed="strftime(f.death_date, '%Y-%m-%d')",
                       problem=f"CASE WHEN g.record_id IS NOT NULL THEN 'registered_after_death' ELSE {dup} END"),
         "f.death_date IS NOT NULL"),
        (common.format(kind="'move'", exact=by_nik, current="f.village", proposed="f.civil_region", problem=dup),
         "f.moved"),
        (common.format(kind="'kk_change'", exact=by_nik, current="f.kk_raw", proposed="f.civil_kk", problem=dup),
         "f.death_date IS NULL AND NOT f.moved AND f.civil_kk IS NOT NULL AND f.civil_kk <> f.kk_raw "
         "AND (f.method = 'nik' OR f.reg_nik IS NULL)"),
        (common.format(kind="'nik_correction'", exact="coalesce(f.previous_nik = f.reg_nik, false)",
                       current="f.nik_raw", proposed="f.civil_nik",
                       problem=f"CASE WHEN f.civil_nik IN (SELECT nik FROM reg_raw WHERE nik IS NOT NULL) "
                               f"THEN 'nik_in_use' ELSE {dup} END"),
         "f.method = 'name_birth' AND f.death_date IS NULL AND NOT f.moved AND f.civil_nik IS NOT NULL "
         "AND f.civil_nik <> f.nik_raw AND f.civil_kk = f.reg_kk"),
    ]
    union = " UNION ALL ".join(
        f"SELECT {select}, g.registered_on FROM facts f LEFT JOIN later_registrations g USING (record_id) "
        f"WHERE {where}" for select, where in parts)
    return f"CREATE OR REPLACE TEMP TABLE findings AS {union}"


def _summary(engine, inputs: SyncInputs) -> dict:
    one = lambda sql: engine.fetch(sql)[0]  # noqa: E731
    by_method = dict(engine.fetch("SELECT method, count(*) FROM links GROUP BY method"))
    kinds = {}
    for kind, exact, problem, n in engine.fetch(
            "SELECT kind, exact, problem, count(*) FROM findings GROUP BY ALL ORDER BY ALL"):
        entry = kinds.setdefault(kind, {"exact": 0, "other": 0, "flagged": 0})
        entry["flagged" if problem else "exact" if exact else "other"] += n
    dups = one("SELECT count(*), coalesce(sum(n), 0), list(lines[1:2] ORDER BY lines[1])[1:5] FROM dup_niks")
    outside = one("SELECT count(*), list(line ORDER BY line)[1:5] FROM outside_rows")
    bad_region = one("SELECT count(*), list(line ORDER BY line)[1:5] FROM civ WHERE length(region) <> 10")
    bad_death = one("SELECT count(*), list(line ORDER BY line)[1:5] FROM civ WHERE death_raw IS NOT NULL "
                    "AND death_date IS NULL")
    future_death = one(f"SELECT count(*), list(line ORDER BY line)[1:5] FROM civ "
                       f"WHERE death_date > DATE '{dt.date.today().isoformat()}'")
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
