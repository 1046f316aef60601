"""Open a dataset (a folder or a .zip of one), check manifest.json, hash and pre-check its files.

Nothing here touches the database. A pre-check reads every file once before anything is imported,
so that file-level faults (not UTF-8, broken CSV quoting, missing columns, wrong checksum) reject
the whole dataset instead of leaving half of it imported.
"""

import codecs
import contextlib
import csv
import hashlib
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.core import jsoninput
from mutakhir.core.archives import check_archive

from .columns import BY_TABLE, FORMAT_VERSION, TABLES
from .errors import DatasetError, IssueLog

CHUNK = 1 << 20
MANIFEST = "manifest.json"


@dataclass
class Source:
    """One table's file: `open()` returns a fresh binary stream; `path` is a local file (Parquet)."""

    table: str
    name: str  # file name as reported in issues, e.g. "members.csv"
    kind: str  # "csv" or "parquet"
    open: Callable[[], io.BufferedIOBase]
    path: Path | None = None
    sha256: str = ""
    header: list[str] = field(default_factory=list)
    rows: int = 0
    manifest_rows: int | None = None


@dataclass
class Dataset:
    location: str
    sources: dict[str, Source]
    manifest: dict | None = None

    @property
    def sha256(self) -> str:
        """Return one digest for the dataset: over its data files' names and digests."""
        text = "".join(f"{s.name}:{s.sha256}\n" for s in self.sources.values())
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def total_rows(self) -> int:
        return sum(s.rows for s in self.sources.values())


@contextlib.contextmanager
def open_dataset(location: str | Path) -> Iterator[Dataset]:
    """Yield the dataset at a folder or a .zip; raise DatasetError when it has no households table."""
    path = Path(location)
    with contextlib.ExitStack() as stack:
        if path.is_dir():
            files = {p.name: p for p in path.iterdir() if p.is_file()}
            openers = {name: (lambda p=p: p.open("rb")) for name, p in files.items()}
            local = files
        elif path.is_file() and zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            check_archive(archive, DatasetError)  # zip bombs: refused before anything is inflated
            names = _zip_members(archive)
            openers = {name: (lambda m=member: archive.open(m)) for name, member in names.items()}
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mutakhir-import-")))
            local = {}
            for name, member in names.items():
                if name.endswith(".parquet"):  # Parquet needs a seekable file: extract it
                    with archive.open(member) as src, (tmp / name).open("wb") as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
                    local[name] = tmp / name
        elif path.exists():
            raise DatasetError(_("%(path)s is neither a folder nor a .zip file.") % {"path": location})
        else:
            raise DatasetError(_("%(path)s does not exist.") % {"path": location})
        sources = {}
        for table in TABLES:
            found = [f"{table}.{ext}" for ext in ("csv", "parquet") if f"{table}.{ext}" in openers]
            if len(found) > 1:
                raise DatasetError(_("The dataset holds both %(a)s and %(b)s: keep one.") %
                                   {"a": found[0], "b": found[1]})
            if found:
                name = found[0]
                sources[table] = Source(table, name, name.rsplit(".", 1)[1], openers[name], local.get(name))
        if "households" not in sources:
            raise DatasetError(_("The dataset has no households.csv or households.parquet."))
        manifest = None
        if MANIFEST in openers:
            with openers[MANIFEST]() as fh:
                try:
                    manifest = jsoninput.loads(fh.read())
                except jsoninput.JsonInputError as exc:
                    raise DatasetError(_("manifest.json is not valid JSON: %(reason)s") % {"reason": exc}) from exc
        yield Dataset(str(location), sources, manifest)


def _zip_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map file names to zip members: files at the root, or inside one top folder."""
    names = {}
    for member in archive.namelist():
        parts = [p for p in member.split("/") if p]
        if member.endswith("/") or not parts or len(parts) > 2 or parts[0] == "__MACOSX":
            continue
        names.setdefault(parts[-1], member)
    return names


def precheck(dataset: Dataset, log: IssueLog) -> bool:
    """Hash, decode and parse every file once; check the manifest; return False on file-level errors."""
    before = log.fatal
    for source in dataset.sources.values():
        _hash_and_decode(source, log)
    _check_manifest(dataset, log)
    for source in dataset.sources.values():
        if log.fatal == before:
            (_scan_csv if source.kind == "csv" else _scan_parquet)(source, log)
    for source in dataset.sources.values():
        if log.fatal == before:
            check_header(source, log)
    return log.fatal == before


def _hash_and_decode(source: Source, log: IssueLog) -> None:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if source.kind == "csv" else None
    lines, bad = 0, None
    with source.open() as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if decoder and bad is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad = lines + chunk[: exc.start].count(b"\n") + 1
                lines += chunk.count(b"\n")
        if decoder and bad is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                bad = lines + 1
    source.sha256 = digest.hexdigest()
    if bad is not None:
        log.error(source.name, 0, "", "not_utf8",
                  _("The file is not UTF-8 text (first invalid byte on line %(line)s): save it as UTF-8.")
                  % {"line": bad})


def _check_manifest(dataset: Dataset, log: IssueLog) -> None:
    manifest = dataset.manifest
    if manifest is None:
        return
    version = manifest.get("format_version", manifest.get("version", FORMAT_VERSION))
    if str(version) != str(FORMAT_VERSION):
        log.error(MANIFEST, 0, "", "format_version",
                  _("Unsupported exchange format version %(version)s (this Mutakhir reads version %(ours)s).")
                  % {"version": version, "ours": FORMAT_VERSION})
    for name, entry in _manifest_files(manifest).items():
        source = next((s for s in dataset.sources.values() if s.name == name), None)
        if source is None:
            if name.split(".")[0] in TABLES:
                log.error(MANIFEST, 0, "", "missing_file",
                          _("%(name)s is listed in manifest.json but missing from the dataset.") % {"name": name})
            continue
        expected = (entry.get("sha256") or "").lower()
        if expected and expected != source.sha256:
            log.error(name, 0, "", "checksum",
                      _("SHA-256 checksum differs from manifest.json: the file is damaged or was changed."),
                      source.sha256)
        source.manifest_rows = entry.get("rows")


def _manifest_files(manifest: dict) -> dict[str, dict]:
    """Return {file name: {"sha256": ..., "rows": ...}} from the shapes a manifest may use."""
    files = manifest.get("files") or {}
    if isinstance(files, list):
        return {str(f.get("name") or f.get("path", "")).rsplit("/", 1)[-1]: f for f in files if isinstance(f, dict)}
    return {name: (entry if isinstance(entry, dict) else {"sha256": str(entry)}) for name, entry in files.items()}


def text_stream(source: Source) -> io.TextIOWrapper:
    """Open a CSV file as text; a UTF-8 byte-order mark (Excel) is skipped."""
    return io.TextIOWrapper(source.open(), encoding="utf-8-sig", newline="")


def _scan_csv(source: Source, log: IssueLog) -> None:
    """Read the header and count records; a quoting fault anywhere rejects the file."""
    row = 0
    with text_stream(source) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            for row, record in enumerate(reader, start=1):
                if row == 1:
                    source.header = [h.strip() for h in record]
        except csv.Error as exc:
            log.error(source.name, row + 1, "", "malformed_csv",
                      _("Malformed CSV: %(reason)s (an unclosed quote?)") % {"reason": exc}, fatal=True)
            return
    if row == 0:
        log.error(source.name, 0, "", "empty_file", _("The file is empty: a header row is required."))
    source.rows = max(row - 1, 0)
    _check_rows(source, log)


def _scan_parquet(source: Source, log: IssueLog) -> None:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(source.path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        log.error(source.name, 0, "", "bad_parquet",
                  _("Not a readable Parquet file: %(reason)s") % {"reason": exc})
        return
    source.header = list(meta.schema_arrow.names)
    source.rows = meta.metadata.num_rows
    _check_rows(source, log)


def _check_rows(source: Source, log: IssueLog) -> None:
    expected = source.manifest_rows
    if expected is not None and str(expected) != str(source.rows):
        log.warning(source.name, 0, "", "row_count",
                    _("%(rows)s rows, manifest.json says %(expected)s.") % {"rows": source.rows, "expected": expected})


def check_header(source: Source, log: IssueLog) -> None:
    """Report missing required columns (error), repeated and unknown columns (warning, ignored)."""
    known = {c.name: c for c in BY_TABLE[source.table]}
    seen = set()
    for name in source.header:
        if name in seen:
            log.error(source.name, 1, name, "duplicate_column", _("The column appears twice in the header."))
        elif name not in known:
            log.warning(source.name, 1, name, "unknown_column",
                        _("Not a column of the exchange format: ignored."))
        seen.add(name)
    for column in known.values():
        if column.required and column.name not in seen:
            log.error(source.name, 1, column.name, "missing_column", _("Required column missing from the header."))
