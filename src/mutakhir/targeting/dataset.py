"""The files a list is drawn from in the app: a ranking run's results, and the registry's households and members.

The run's results come from its Parquet copy (ranking/cache.py), written once since a run never changes.
Households and members are read from the registry at drawing time, because a list counts today's members
and their ages. Only the run's region is read, only the columns a rule can read (or, given the rule, only
those it does read), and nothing holds the whole registry in memory or sends the run's household IDs back to
the database.

The rows never become Python objects one by one: the database casts flags and decimals itself, and
- on PostgreSQL, `COPY (SELECT ...) TO STDOUT` streams CSV into a temporary file that DuckDB turns into
  Parquet with the file's exact types (a national registry is tens of millions of members);
- elsewhere (SQLite), a raw cursor hands over rows a chunk at a time, written as Arrow record batches.
"""

from pathlib import Path

from django.db import connection
from django.db.models import CharField, F, FloatField, IntegerField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from mutakhir.engines.base import DUCKDB
from mutakhir.ranking.cache import results_path
from mutakhir.registry.models import Household, Member

from .rules.attributes import FLAGS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from .sql import needed

CHUNK = 50_000
ARROW_KINDS = {"text": "string", "number": "float64", "code": "int32", "date": "date32"}
DUCKDB_KINDS = {"text": "VARCHAR", "number": "DOUBLE", "code": "INTEGER", "date": "DATE"}


def _schema(columns: list[tuple[str, str]]):
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, ARROW_KINDS[kind])()) for name, kind in columns])


def _household_columns(names=HOUSEHOLD_COLUMNS) -> list[tuple[str, str]]:
    kinds = {name: "number" if name == "floor_area_m2" else "code" for name in HOUSEHOLD_COLUMNS if name in names}
    return [("household_id", "text"), ("region_code", "text"), *kinds.items()]


def _member_columns(names=(*MEMBER_COLUMNS, "birth_date")) -> list[tuple[str, str]]:
    dates = [("birth_date", "date")] if "birth_date" in names else []
    return [("record_id", "text"), ("household_id", "text"), *dates,
            *((name, "code") for name in MEMBER_COLUMNS if name in names)]


def _typed(field: str, kind: str):
    """Return the database expression of a column in the file's type, cast by the database."""
    if kind == "number":
        return Cast(field, FloatField())
    if kind == "date":  # ISO text: SQLite would parse each date in Python; Arrow and DuckDB parse it in bulk
        return Cast(field, CharField())
    if field in FLAGS:
        return Cast(field, IntegerField())  # yes/no flags as 1/0
    return F(field)


def _query(queryset, columns: list[tuple[str, str]], sources: dict[str, str]) -> tuple[str, tuple]:
    """Return the SQL and parameters of the queryset's rows in the columns' order and types."""
    exprs = {f"c{i}": _typed(sources.get(name, name), kind) for i, (name, kind) in enumerate(columns)}
    return queryset.order_by().annotate(**exprs).values_list(*exprs).query.sql_with_params()


def household_query(region_code: str, names=HOUSEHOLD_COLUMNS) -> tuple[str, tuple, list]:
    """Return the SQL, parameters and columns of the active households inside `region_code`."""
    households = Household.objects.active()
    if region_code:
        households = households.filter(region__pk__startswith=region_code)
    columns = _household_columns(names)
    return (*_query(households, columns, {"region_code": "region_id"}), columns)


def member_query(region_code: str, names=(*MEMBER_COLUMNS, "birth_date")) -> tuple[str, tuple, list]:
    """Return the SQL, parameters and columns of the active members of those households."""
    members = Member.objects.active().filter(household__ended_at__isnull=True)
    if region_code:
        members = members.filter(household__region__pk__startswith=region_code)
    columns = _member_columns(names)
    return (*_query(members, columns, {"household_id": "household__household_id"}), columns)


def write_query(path: Path, sql: str, params, columns: list[tuple[str, str]], progress=None) -> int:
    """Write a query's rows to a Parquet file of the columns' types; return how many rows."""
    if connection.vendor == "postgresql":
        return _copy_to_parquet(path, sql, params, columns, progress)
    return _fetch_to_parquet(path, sql, params, columns, progress)


def _fetch_to_parquet(path: Path, sql: str, params, columns, progress) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema(columns)
    count = 0
    with connection.cursor() as cursor, pq.ParquetWriter(path, schema) as writer:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            arrays = [pa.array(values, pa.string()).cast(pa.date32()) if kind == "date" else
                      pa.array(values, field.type)
                      for values, (_name, kind), field in zip(zip(*rows, strict=True), columns, schema, strict=True)]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            count += len(rows)
            if progress:
                progress(count)
        if not count:
            writer.write_table(schema.empty_table())
    return count


def _copy_to_parquet(path: Path, sql: str, params, columns, progress) -> int:
    """Stream COPY's CSV to a temporary file beside `path`, then let DuckDB write it as typed Parquet."""
    from mutakhir.engines.duckdb import DuckDBEngine

    csv_path = path.with_suffix(".csv")
    count, reported = 0, 0
    try:
        with connection.cursor() as cursor, open(csv_path, "wb", buffering=1 << 20) as fh, \
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params or None) as copy:
            for data in copy:  # COPY TO STDOUT sends one row per message
                fh.write(data)
                count += 1
                if progress and count - reported >= CHUNK:
                    reported = count
                    progress(count)
        if progress and count != reported:
            progress(count)
        if not count:  # DuckDB cannot take the columns of an empty CSV: write the empty file as Arrow does
            import pyarrow.parquet as pq

            pq.write_table(_schema(columns).empty_table(), path)
            return 0
        types = ", ".join(f"{DUCKDB.string(name)}: {DUCKDB.string(DUCKDB_KINDS[kind])}" for name, kind in columns)
        reader = (f"read_csv({DUCKDB.string(str(csv_path))}, header = false, delim = ',', quote = '\"', "
                  f"escape = '\"', allow_quoted_nulls = false, dateformat = '%Y-%m-%d', columns = {{{types}}})")
        engine = DuckDBEngine()
        try:
            engine.export(f"SELECT * FROM {reader}", str(path))  # noqa: S608 -- quoted literals only
        finally:
            engine.close()
    finally:
        csv_path.unlink(missing_ok=True)
    return count


def write_run_dataset(run, folder: Path, progress=None, *, rule=None) -> tuple[Path, Path, Path]:
    """Return the run's scores file and write the households and members of its region to `folder`.

    Given the rule, only the columns it reads are written (besides keys and region), which is all a list needs.
    """
    step = progress or (lambda note: None)
    step(_("Reading the ranking run"))
    scores = results_path(run, lambda n: step(_("Copying the ranking run once: %(n)s households") % {"n": n}))
    hh_names, mem_names = (HOUSEHOLD_COLUMNS, (*MEMBER_COLUMNS, "birth_date")) if rule is None else needed(rule)
    hh_path, mem_path = folder / "households.parquet", folder / "members.parquet"
    write_query(hh_path, *household_query(run.region_code, hh_names),
                lambda n: step(_("Households read: %(n)s") % {"n": n}))
    write_query(mem_path, *member_query(run.region_code, mem_names),
                lambda n: step(_("Members read: %(n)s") % {"n": n}))
    return scores, hh_path, mem_path
