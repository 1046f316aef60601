"""Bulk upsert of validated rows, with one history row per created or changed row.

Rows are written with explicit primary keys (allocated from the sequence on PostgreSQL, after the
highest id under SQLite's write lock), by COPY on PostgreSQL and `executemany` elsewhere; history
rows are copied server-side by `INSERT ... SELECT`. Everything a batch writes happens in the
caller's transaction, so a batch is either all there or not at all.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models

from mutakhir.registry.models import Household, Member, name_key

LOOKUP_CHUNK = 900  # below SQLite's historical limit of 999 query parameters


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class TableWriter:
    """Upsert one model by its dataset id; `present` lists the model fields the file provides."""

    model: type[models.Model]
    key: str  # household_id or record_id
    present: list[str]
    defaults: dict  # values for new rows: created_at, update_period_id...
    on_update: dict  # values set on changed rows besides the file's: update_period_id
    history: dict  # history_date, history_change_reason, history_user_id
    source_name: str = ""  # the file the rows come from, for counts of rejected rows
    counts: Counts = field(default_factory=Counts)

    def __post_init__(self):
        meta = self.model._meta
        self.fields = [f for f in meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.by_attname = {f.attname: f for f in self.fields}
        self.table = meta.db_table
        hist = self.model.history.model
        self.hist_table = hist._meta.db_table
        self.hist_columns = [f.column for f in hist.tracked_fields]
        self.compared = [a for a in self.present if a != self.key]
        self.adapters = [_adapter(f) for f in self.fields]
        self.adapter_of = {f.attname: a for f, a in zip(self.fields, self.adapters, strict=True)}

    def write(self, rows: list[dict]) -> dict[str, int]:
        """Insert new rows, update changed ones; return {dataset id: primary key} for all of them."""
        existing = self._existing([r[self.key] for r in rows])
        new, changed, pks = [], [], {}
        for row in rows:
            found = existing.get(row[self.key])
            if found is None:
                new.append(row)
                continue
            pk, old = found
            pks[row[self.key]] = pk
            if any(old[a] != row[a] for a in self.compared):
                changed.append((pk, row))
            else:
                self.counts.unchanged += 1
        if new:
            ids = allocate_ids(self.model, len(new))
            for pk, row in zip(ids, new, strict=True):
                pks[row[self.key]] = pk
            self._insert(ids, new)
            insert_history(self, ids, "+")
            self.counts.created += len(new)
        if changed:
            self._update(changed)
            insert_history(self, [pk for pk, _ in changed], "~")
            self.counts.updated += len(changed)
        return pks

    def _existing(self, keys: list[str]) -> dict[str, tuple[int, dict]]:
        found = {}
        names = ["pk", *self.compared]
        for i in range(0, len(keys), LOOKUP_CHUNK):
            qs = self.model._base_manager.filter(**{f"{self.key}__in": keys[i:i + LOOKUP_CHUNK]})
            for key, *values in qs.values_list(self.key, *names):
                found[key] = (values[0], dict(zip(self.compared, values[1:], strict=True)))
        return found

    def _insert(self, ids: list[int], rows: list[dict]) -> None:
        # Constants are adapted once per batch; per row only the file's values that need it (dates, decimals).
        base = {f.attname: _default(f) for f in self.fields} | self.defaults
        base = {a: self.adapter_of[a](v) for a, v in base.items()}
        attnames = [f.attname for f in self.fields]
        special = [a for a in self.present if self.adapter_of[a] is not _same]
        is_member = self.model is Member
        tuples = []
        for pk, row in zip(ids, rows, strict=True):
            values = base | row
            values["id"] = pk
            for a in special:
                values[a] = self.adapter_of[a](values[a])
            if is_member:
                values["name_key"] = name_key(values["name"])
            tuples.append(tuple([values[a] for a in attnames]))
        copy_rows(self.table, self.columns, tuples)

    def _update(self, changed: list[tuple[int, dict]]) -> None:
        attnames = [*self.compared, *self.on_update]
        if self.model is Member and "name" in attnames:
            attnames.append("name_key")
        sets = ", ".join(f"{self.by_attname[a].column} = %s" for a in attnames)
        sql = f"UPDATE {self.table} SET {sets}, version = version + 1, updated_at = %s WHERE id = %s"  # noqa: S608
        now = self.adapter_of["updated_at"](self.defaults["updated_at"])
        params = []
        for pk, row in changed:
            values = row | self.on_update
            if "name_key" in attnames:
                values["name_key"] = name_key(values["name"])
            params.append([self.adapter_of[a](values[a]) for a in attnames] + [now, pk])
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _default(f):
    if f.has_default():
        return f.get_default()
    return None if f.null else ("" if isinstance(f, models.CharField | models.TextField) else None)


def _adapter(f):
    """Return how a value reaches the driver: as-is, except what Django itself must convert."""
    if connection.vendor == "postgresql" or not isinstance(f, models.DecimalField | models.DateField):
        return _same
    return lambda v: None if v is None else f.get_db_prep_save(v, connection)


def _same(v):
    return v


def allocate_ids(model, n: int) -> list[int]:
    """Reserve n primary keys (PostgreSQL: from the sequence; SQLite: after the highest, under its write lock)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"registry import supports PostgreSQL and SQLite, not {connection.vendor}")
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
        return list(range(start, start + n))


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany elsewhere."""
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def insert_history(writer: TableWriter, ids: list[int], kind: str) -> None:
    """Copy the rows' current state into their history table, server-side."""
    cols = ", ".join(writer.hist_columns)
    h = writer.history
    date = _adapter(Household._meta.get_field("updated_at"))(h["history_date"])
    with connection.cursor() as cursor:
        for i in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[i:i + LOOKUP_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {writer.hist_table} ({cols}, history_date, history_change_reason, history_type, "  # noqa: S608
                f"history_user_id) SELECT {cols}, %s, %s, %s, %s FROM {writer.table} WHERE id IN ({marks})",
                [date, h["history_change_reason"], kind, h["history_user_id"], *chunk])
