"""`export_dataset`: write the registry (or a region of it) as an exchange-format dataset.

Writes households and members as CSV or Parquet with exactly the format's columns, then the documented
extras (columns.py), then `manifest.json` with row counts and SHA-256 digests. Rows stream from the
database in chunks; each file is written under a temporary name and renamed when complete.
"""

import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from mutakhir.core.digests import file_sha256
from mutakhir.regions.codes import dotted, normalize_code
from mutakhir.registry.models import Household, Member

from .columns import FORMAT_VERSION, Column, export_columns
from .dataset import MANIFEST

CHUNK_ROWS = 5000


def export_dataset(out: str | Path, *, region: str = "", fmt: str = "csv", include_ended: bool = False,
                   user=None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write a dataset folder (or a .zip when `out` ends in .zip); return its manifest.

    With a `user`, only what the user may see is written (the registry's visible_to scoping).
    """
    out = Path(out)
    if out.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="mutakhir-export-") as tmp:
            manifest = export_dataset(tmp, region=region, fmt=fmt, include_ended=include_ended, user=user,
                                      progress=progress)
            partial = out.with_name(out.name + ".part")
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in [*manifest["files"], MANIFEST]:
                    archive.write(Path(tmp) / name, name)
            os.replace(partial, out)
        return manifest
    out.mkdir(parents=True, exist_ok=True)
    prefix = normalize_code(region) if region else ""
    households, members = _querysets(prefix, include_ended, user)
    tables = [("households", households, "household_id", None),
              ("members", members, "record_id", "household__household_id")]
    total = households.count() + members.count()
    done = 0
    files = {}
    for table, qs, key, household_key in tables:
        columns = export_columns(table, include_ended)
        fields = [household_key if c.name == "household_id" and household_key else c.field for c in columns]
        rows = qs.order_by(*(["household_id", key] if household_key else [key])).values_list(*fields)
        name = f"{table}.{fmt}"

        def tick(n, base=done):
            if progress:
                progress(base + n, total)

        count = (_write_csv if fmt == "csv" else _write_parquet)(out / name, columns, rows.iterator(CHUNK_ROWS), tick)
        done += count
        files[name] = {"rows": count, "sha256": file_sha256(out / name)}
    manifest = {"format": "mutakhir-exchange", "format_version": FORMAT_VERSION, "kind": "registry",
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "region": dotted(prefix) if prefix else "", "include_ended": include_ended, "files": files}
    _atomic_write(out / MANIFEST, lambda fh: fh.write(json.dumps(manifest, indent=2).encode()))
    return manifest


def _querysets(prefix: str, include_ended: bool, user):
    households = Household.objects.visible_to(user) if user is not None else Household.objects.all()
    members = Member.objects.visible_to(user) if user is not None else Member.objects.all()
    if prefix:
        households = households.filter(region__code__startswith=prefix)
        members = members.filter(household__region__code__startswith=prefix)
    if not include_ended:
        households = households.filter(ended_at__isnull=True)
        members = members.filter(ended_at__isnull=True, household__ended_at__isnull=True)
    return households, members


def as_text(value) -> str:
    """Return a value as the format writes it: empty for unknown, 0/1 for flags, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, columns: tuple[Column, ...], rows, tick) -> int:
    count = 0

    def write(fh):
        nonlocal count
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([as_text(v) for v in row])
            count += 1
            if count % CHUNK_ROWS == 0:
                tick(count)
        text.flush()
        text.detach()

    _atomic_write(path, write)
    tick(count)
    return count


def _arrow_type(column: Column):
    import pyarrow as pa

    return {"number": pa.float64(), "code": pa.int16(), "count": pa.int32(), "flag": pa.int8(), "date": pa.date32(),
            "datetime": pa.timestamp("us", tz="UTC")}.get(column.kind, pa.string())


def _write_parquet(path: Path, columns: tuple[Column, ...], rows, tick) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c.name, _arrow_type(c)) for c in columns])
    converters = [_parquet_value(c) for c in columns]
    count = 0

    def write(fh):
        nonlocal count
        with pq.ParquetWriter(fh, schema) as writer:
            buffer = []
            for row in rows:
                buffer.append(row)
                if len(buffer) == CHUNK_ROWS * 10:
                    writer.write_batch(_batch(schema, converters, buffer))
                    count += len(buffer)
                    buffer = []
                    tick(count)
            if buffer or count == 0:
                writer.write_batch(_batch(schema, converters, buffer))
                count += len(buffer)

    _atomic_write(path, write)
    tick(count)
    return count


def _parquet_value(column: Column):
    if column.kind == "number":
        return lambda v: None if v is None else float(v)
    if column.kind == "flag":
        return lambda v: None if v is None else int(v)
    if column.kind in ("text", "nik", "kk", "end_reason", "region"):
        return lambda v: "" if v is None else str(v)
    return lambda v: v


def _batch(schema, converters, rows):
    import pyarrow as pa

    arrays = [pa.array([conv(r[i]) for r in rows], type=schema.field(i).type) for i, conv in enumerate(converters)]
    return pa.record_batch(arrays, schema=schema)


def _atomic_write(path: Path, write) -> None:
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as fh:
        write(fh)
    os.replace(partial, path)
