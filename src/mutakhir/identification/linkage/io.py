"""Read exchange-format datasets (FORMAT.md) as all-text Arrow tables, and write the matching results.

Every user error raises `InputError` naming the file, and the row and column where there is one.
"""

import codecs
import csv
import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from mutakhir.core.archives import check_archive

REQUIRED = {
    "households": ("household_id", "region_code"),
    "members": ("record_id", "household_id", "name"),
    "civil": ("record_id", "name"),
}
KEYS = {"households": "household_id", "members": "record_id", "civil": "record_id"}
HOUSEHOLD_COLUMNS = ["household_id", "registry_household_id", "category", "match_probability", "changes", "review"]
MEMBER_COLUMNS = ["record_id", "registry_record_id", "match_probability", "civil_record_id", "civil_status"]


class InputError(Exception):
    """A dataset cannot be read: the message names the file, and the row and column where known."""


def _locate(source: Path, table: str) -> tuple[str, bytes | Path | None, Path | None]:
    """Return (display name, CSV bytes or path or None, Parquet path or None) of a table in a folder or zip.

    A CSV in a folder is returned as its path and read from disk: a registry or civil-registry extract is
    hundreds of megabytes, and holding its bytes (and their text) beside the parsed table tripled the peak.
    """
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            check_archive(zf, InputError)  # zip bombs: refused before anything is inflated
            names = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
            for suffix in (".csv", ".parquet"):
                if (name := names.get(table + suffix)) is not None:
                    data = zf.read(name)
                    if suffix == ".csv":
                        return f"{source}:{name}", data, None
                    return f"{source}:{name}", None, pa.BufferReader(data)
        raise InputError(f"{source}: no {table}.csv or {table}.parquet in the zip file")
    if not source.is_dir():
        raise InputError(f"{source}: not a folder or a .zip file")
    if (path := source / f"{table}.csv").is_file():
        return str(path), path, None
    if (path := source / f"{table}.parquet").is_file():
        return str(path), None, path
    raise InputError(f"{source}: {table}.csv (or {table}.parquet) is missing")


CHUNK = 1 << 24  # bytes decoded at a time when checking UTF-8


def _open(data: bytes | Path):
    return io.BytesIO(data) if isinstance(data, bytes) else data.open("rb")


def _decode_check(name: str, data: bytes | Path) -> list[str]:
    """Check that the CSV is UTF-8 with a header row; return the header.

    Decoded chunk by chunk, so that a large file is never held as text.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset, lines, head = 0, 1, ""
    with _open(data) as f:
        while chunk := f.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                row = lines + chunk[: max(exc.start, 0)].count(b"\n")
                raise InputError(f"{name}: line {row} is not UTF-8 text (byte {offset + exc.start}); "
                                 "save the file as UTF-8") from None
            if "\n" not in head:
                head += text[:CHUNK]  # the header row, kept until its end is seen
            offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(f"{name}: line {lines} is not UTF-8 text (byte {offset - 1}); "
                             "save the file as UTF-8") from None
    header = head.split("\n", 1)[0]
    if not header.strip():
        raise InputError(f"{name}: the file is empty (a header row is required)")
    return next(csv.reader(io.StringIO(header)))


def _read_csv(name: str, data: bytes | Path) -> pa.Table:
    header = [h.strip() for h in _decode_check(name, data)]
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(f"{name}: column {dup!r} appears twice in the header")
    try:
        return pacsv.read_csv(
            io.BytesIO(data) if isinstance(data, bytes) else str(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"{name}: {exc}") from None


def _all_text(table: pa.Table) -> pa.Table:
    """Return the table with every column as trimmed text, one column at a time (never two copies of it)."""
    for index, column in enumerate(table.column_names):
        table = table.set_column(index, column, pc.utf8_trim_whitespace(table[column].cast(pa.string())))
    return table


def read_table(source: str | Path, table: str, kind: str | None = None) -> tuple[pa.Table, str]:
    """Return (table with every column as trimmed text, file name); check required columns and ids."""
    kind = kind or table
    name, data, parquet = _locate(Path(source), table)
    if data is not None:
        result = _read_csv(name, data)
    else:
        try:
            result = pq.read_table(parquet)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{name}: not a readable Parquet file ({exc})") from None
    result = _all_text(result)
    missing = [c for c in REQUIRED[kind] if c not in result.column_names]
    if missing:
        raise InputError(f"{name}: required column(s) missing: {', '.join(missing)}")
    _check_required_values(name, result, REQUIRED[kind])
    _check_unique(name, result, KEYS[kind])
    return result, name


def _row(index: int) -> int:
    return index + 2  # the header is line 1


def _check_required_values(name: str, table: pa.Table, columns) -> None:
    for column in columns:
        empty = pc.or_kleene(pc.is_null(table[column]), pc.equal(table[column], ""))
        if pc.any(empty).as_py():
            index = pc.index(empty, True).as_py()
            raise InputError(f"{name}: row {_row(index)}, column {column!r}: a value is required")


def _check_unique(name: str, table: pa.Table, key: str) -> None:
    counts = pc.value_counts(table[key])
    dups = counts.filter(pc.greater(counts.field("counts"), 1))
    if len(dups):
        value = dups.field("values")[0].as_py()
        rows = [_row(i) for i in pc.indices_nonzero(pc.equal(table[key], value)).to_pylist()[:3]]
        raise InputError(f"{name}: column {key!r}: {value!r} appears more than once (rows {rows})")


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Write dict rows as UTF-8 CSV with the given columns."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
