"""Registry snapshots: the inputs of a ranking run, frozen as a Parquet file named by its SHA-256.

A snapshot holds the active households with the exchange format's household columns that can be model
inputs (no address, no identity numbers) and `household_size`, the count of active members. Snapshots
are kept in the default storage under `ranking/snapshots/`, so a later run can be compared with it.
"""

import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models import Count, Q

from mutakhir.core.digests import file_sha256
from mutakhir.registry.exchange.columns import HOUSEHOLDS
from mutakhir.registry.models import Household

DIRECTORY = "ranking/snapshots"
ID_COLUMN, REGION_COLUMN, SIZE_COLUMN = "household_id", "region_code", "household_size"
INPUTS = tuple(c for c in HOUSEHOLDS if c.kind in ("number", "code", "flag", "count"))
CHUNK = 20000


def _schema():
    import pyarrow as pa

    kinds = {"number": pa.float64(), "code": pa.int16(), "flag": pa.int8(), "count": pa.int32()}
    return pa.schema([(ID_COLUMN, pa.string()), (REGION_COLUMN, pa.string()),
                      *((c.name, kinds[c.kind]) for c in INPUTS), (SIZE_COLUMN, pa.int32())])


def _rows():
    members = Count("members", filter=Q(members__ended_at__isnull=True))
    fields = ["household_id", "region_id", *(c.field for c in INPUTS), "size"]
    households = Household.objects.active().annotate(size=members).order_by("household_id")
    return households.values_list(*fields).iterator(CHUNK)


def _value(row, i: int):
    value = row[i]
    if value is None or isinstance(value, str):
        return value
    return float(value) if 2 <= i < 2 + len(INPUTS) and INPUTS[i - 2].kind == "number" else int(value)


def write_snapshot(progress=None) -> tuple[str, int]:
    """Write the registry's ranking inputs to a snapshot; return (its SHA-256, households)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema()
    count = 0
    with tempfile.TemporaryDirectory(prefix="mutakhir-snapshot-") as tmp:
        path = Path(tmp) / "snapshot.parquet"
        with pq.ParquetWriter(path, schema) as writer:
            buffer = []
            for row in [*_rows(), None]:
                if row is not None:
                    buffer.append(row)
                if buffer and (row is None or len(buffer) == CHUNK):
                    columns = [pa.array([_value(r, i) for r in buffer], type=f.type) for i, f in enumerate(schema)]
                    writer.write_batch(pa.record_batch(columns, schema=schema))
                    count += len(buffer)
                    buffer = []
                    if progress:
                        progress(count)
        digest = file_sha256(path)
        if not default_storage.exists(snapshot_name(digest)):
            with path.open("rb") as fh:
                default_storage.save(snapshot_name(digest), fh)
    return digest, count


def snapshot_name(digest: str) -> str:
    return f"{DIRECTORY}/{digest}.parquet"


def snapshot_path(digest: str) -> str | None:
    """Return the local path of a stored snapshot, None when there is none."""
    if not digest or not default_storage.exists(snapshot_name(digest)):
        return None
    return default_storage.path(snapshot_name(digest))


def snapshot_rows(digest: str, household_ids: list[str]) -> dict[str, dict]:
    """Return the snapshot rows of some households, by household ID (missing ones are left out)."""
    import pyarrow.dataset as ds

    path = snapshot_path(digest)
    if not path or not household_ids:
        return {}
    table = ds.dataset(path).to_table(filter=ds.field(ID_COLUMN).isin(list(household_ids)))
    return {row[ID_COLUMN]: row for row in table.to_pylist()}
