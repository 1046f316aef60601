"""Fast inserts for the bulk import: plain rows through the registry writer's `copy_rows`, and a spool file.

`bulk_create` builds a model instance and compiles every value of every row through the ORM; at 100,000
rows that was most of an import's time. Here a row is a dict of attribute names; missing fields get
the model's defaults, and only dates, times and decimals go through the field's own conversion. The rows
go to `copy_rows`, as the registry import's do: COPY on PostgreSQL, `executemany` elsewhere. No signals
are sent: the import writes its history rows itself (see imports._history).
"""

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import connection, models

from mutakhir.registry.exchange.writer import copy_rows

BATCH = 2000  # spooled rows per pickle


class Inserter:
    """Insert plain rows (dicts of attribute names) into one model's table."""

    def __init__(self, model):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.plan = [(f.attname, f.get_default(), _converter(f, connection)) for f in fields]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = [quote(f.column) for f in fields]

    def values(self, row: dict) -> tuple:
        out = []
        for name, default, convert in self.plan:
            value = row.get(name, default)
            out.append(value if convert is None or value is None else convert(value))
        return tuple(out)

    def insert(self, rows: Iterable[dict]) -> int:
        """Insert the rows, streamed; return how many."""
        count = 0

        def tuples():
            nonlocal count
            for row in rows:
                count += 1
                yield self.values(row)

        copy_rows(self.table, self.columns, tuples())
        return count


def _converter(field, db):
    """Return the function turning a Python value into what the driver takes, or None when it takes it as is."""
    if isinstance(field, models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, db)
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: db.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return None


class Spool:
    """Validated rows kept on disk between two steps, so a file is read and checked once, in constant memory."""

    def __init__(self, path: Path):
        self.path = path
        self._file = path.open("wb")
        self._batch: list = []

    def append(self, item) -> None:
        self._batch.append(item)
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def __iter__(self) -> Iterator:
        self._flush()
        self._file.close()
        with self.path.open("rb") as fh:  # our own file, written above: not untrusted input
            while True:
                try:
                    yield from pickle.load(fh)  # noqa: S301
                except EOFError:
                    return
