"""Parquet copies of stored ranking runs, written once and reused.

A run and its results are immutable (models.py refuses updates and deletes), so a copy taken once never
goes stale: list drawing reads the run from it instead of copying the rows out of the database each time.
The name holds the run's creation time as well as its key, so a key reused after a rolled-back run (SQLite
reuses the highest key) cannot pick up another run's copy. Copies live in the default storage under
`ranking/results/` beside the registry snapshots.
"""

import os
import threading
from pathlib import Path

from django.core.files.storage import default_storage

DIRECTORY = "ranking/results"
CHUNK = 50_000
COLUMNS = ("household_id", "score", "percentile", "desil", "region_percentile", "region", "household_region")


def results_name(run) -> str:
    return f"{DIRECTORY}/run-{run.pk}-{run.created_at:%Y%m%dT%H%M%S%f}.parquet"


def results_path(run, progress=None) -> Path:
    """Return the local path of the run's results as Parquet, writing the copy on first use.

    Two jobs copying the same run at once each write their own temporary file and rename it into place;
    the copies are identical, so whichever lands last is as good as the first.
    """
    from .models import RankingResult

    path = Path(default_storage.path(results_name(run)))
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    rows = RankingResult.objects.filter(run=run).order_by().values_list(*COLUMNS).iterator(CHUNK)
    try:
        write_rows(temporary, _schema(), rows, progress)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _schema():
    import pyarrow as pa

    text, number = pa.string(), pa.float64()
    return pa.schema([("household_id", text), ("score", number), ("percentile", number), ("desil", pa.int16()),
                      ("region_percentile", number), ("region", text), ("household_region", text)])


def write_rows(path: Path, schema, rows, progress=None, chunk: int = CHUNK) -> int:
    """Stream database rows (tuples in the schema's order) into a Parquet file; return how many."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        buffer: list[tuple] = []
        for row in _chain(rows):
            if row is not None:
                buffer.append(row)
            if buffer and (row is None or len(buffer) == chunk):
                columns = zip(*buffer, strict=True)
                arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)]
                writer.write_batch(pa.record_batch(arrays, schema=schema))
                count += len(buffer)
                buffer = []
                if progress:
                    progress(count)
        if not count:
            writer.write_table(schema.empty_table())
    return count


def _chain(rows):
    """Yield the rows, then None: the signal to write what is left."""
    yield from rows
    yield None
