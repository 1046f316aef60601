"""Read ODK Central / Kobo exports (CSV or JSON) as a stream of flat submissions with their member rows.

Column names are reduced to their last path segment (`hh/tenure`, `hh-tenure` -> `tenure`); member
repeats come nested (JSON) or from the repeat's CSV beside the main one (`<stem>-members.csv`),
linked by KEY/PARENT_KEY (ODK Central) or _index/_parent_index (Kobo).

An export of 200,000 submissions must not be held in memory, so nothing is read whole: the main CSV is
read a row at a time; the repeat CSV, whose rows may come in any order, is spooled once into a temporary
SQLite table indexed by parent key, from which each chunk of main rows takes its members; a JSON export's
list of submissions (bare, under "value" for ODK Central OData, under "results" for Kobo) is decoded one
element at a time (`JSONDecoder.raw_decode` over buffered reads). `Export.rows()` may be called again for
another pass. An element that is not a record is yielded as it is: the import reports it on its row.
"""

import csv
import json
import re
import sqlite3
import tempfile
from itertools import batched
from pathlib import Path

from django.utils.translation import gettext as _

SEPARATOR = re.compile(r"[/-]")
BLANK = re.compile(r"[ \t\n\r]*")  # JSON's whitespace only
DECODER = json.JSONDecoder()
READ = 1 << 16  # characters per read of a JSON export
MAX_ELEMENT = 16 << 20  # characters: a larger submission (or broken JSON read that far) stops the import
DEPTH = 32  # groups nested deeper are kept as values (and fail the checks) rather than flattened
CHUNK = 2000  # main CSV rows whose members are fetched at once


class ExportError(Exception):
    """The export cannot be read at all."""


def _leaf(key: str) -> str:
    return SEPARATOR.split(key)[-1]


def _flatten(record: dict, out: dict | None = None, depth: int = 0) -> dict:
    """Flatten groups; a list of dicts is a repeat, kept under its leaf name."""
    out = {} if out is None else out
    for key, value in record.items():
        if depth >= DEPTH:
            out.setdefault(_leaf(key), value)
        elif isinstance(value, dict):
            _flatten(value, out, depth + 1)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            out[_leaf(key)] = [_flatten(v, depth=depth + 1) for v in value]
        else:
            out.setdefault(_leaf(key), value)
    return out


class _Text:
    """JSON text read in blocks and decoded one value at a time."""

    def __init__(self, fh):
        self.fh, self.buf, self.pos, self.eof = fh, "", 0, False

    def _more(self) -> None:
        if len(self.buf) - self.pos >= MAX_ELEMENT:
            self._too_large()
        text = self.fh.read(max(READ, len(self.buf) - self.pos))  # doubling: a long value is read in linear time
        self.buf, self.pos, self.eof = self.buf[self.pos:] + text, 0, not text

    @staticmethod
    def _too_large():
        raise ValueError(_("a submission is larger than %(mb)s MB") % {"mb": MAX_ELEMENT >> 20})

    def peek(self) -> str:
        """Return the next character that is not blank ('' at the end), without taking it."""
        while True:
            self.pos = BLANK.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos:self.pos + 1]
            self._more()

    def take(self, expected: str) -> str:
        char = self.peek()
        if not char or char not in expected:
            raise ValueError(_("expected %(what)s") % {"what": " ".join(f"'{c}'" for c in expected)})
        self.pos += 1
        return char

    def value(self):
        """Decode the next value; a value ending at the end of the block is complete only at the end of the file."""
        self.peek()
        while True:
            try:
                value, end = DECODER.raw_decode(self.buf, self.pos)
                if end - self.pos > MAX_ELEMENT:
                    self._too_large()
                if end < len(self.buf) or self.eof:
                    self.pos = end
                    return value
            except json.JSONDecodeError:
                if self.eof:
                    raise
            self._more()


def _array(text: _Text):
    text.take("[")
    if text.peek() == "]":
        text.pos += 1
        return
    while True:
        yield text.value()
        if text.take(",]") == "]":
            return


def _listed(text: _Text):
    """Yield the submissions of the first non-empty list under "value" or "results"; skip the other members."""
    text.take("{")
    if text.peek() == "}":
        text.pos += 1
        return
    found = False
    while True:
        key = text.value()
        if not isinstance(key, str):
            raise ValueError(_("expected a name in quotes"))
        text.take(":")
        if not found and key in ("value", "results") and text.peek() == "[":
            for element in _array(text):
                found = True
                yield element
        else:
            text.value()
        if text.take(",}") == "}":
            return


def _json_rows(path: Path):
    try:
        with path.open(encoding="utf-8-sig") as fh:
            text = _Text(fh)
            first = text.peek()
            if first not in ("[", "{"):
                raise ValueError(_("expected a list of submissions"))
            for element in _array(text) if first == "[" else _listed(text):
                yield _flatten(element) if isinstance(element, dict) else element
            if text.peek():
                raise ValueError(_("extra data after the submissions"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or type(exc).__name__
        raise ExportError(_("%(path)s is not valid JSON: %(reason)s") % {"path": path.name, "reason": reason}) \
            from exc


def _csv_rows(path: Path):
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh, strict=True):
                yield {_leaf(k): v for k, v in row.items() if k}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(_("%(path)s is not a readable UTF-8 CSV: %(reason)s")
                          % {"path": path.name, "reason": exc}) from exc


def _parent(member: dict) -> str:
    return member.get("PARENT_KEY") or member.get("_parent_index") or ""


def _own_key(row: dict) -> str:
    return row.get("KEY") or row.get("_index") or ""


class _Repeat:
    """The member rows of a CSV export, spooled into a temporary SQLite table and fetched by parent key."""

    def __init__(self, path: Path):
        self.folder = tempfile.TemporaryDirectory(prefix="mutakhir-odk-")
        self.db = sqlite3.connect(Path(self.folder.name) / "members.sqlite3")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE member (parent TEXT NOT NULL, data TEXT NOT NULL)")
        try:
            for chunk in batched(_csv_rows(path), 5000):
                self.db.executemany("INSERT INTO member VALUES (?, ?)", ((_parent(m), json.dumps(m)) for m in chunk))
        except ExportError:
            self.close()
            raise
        self.db.execute("CREATE INDEX member_parent ON member (parent)")

    def of(self, keys: list[str]) -> dict[str, list[dict]]:
        """Return the members of each parent key, in the order of the file."""
        out: dict[str, list[dict]] = {}
        rows = self.db.execute("SELECT parent, data FROM member WHERE parent IN (SELECT value FROM json_each(?)) "
                               "ORDER BY rowid", (json.dumps(keys),))
        for parent, data in rows:
            out.setdefault(parent, []).append(json.loads(data))
        return out

    def close(self) -> None:
        self.db.close()
        self.folder.cleanup()


class Export:
    """An export opened for reading, as a context manager; `rows()` streams its submissions, anew on each call."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise ExportError(_("%(path)s does not exist.") % {"path": self.path})
        self.json = self.path.suffix.lower() == ".json"
        repeat = self.path.with_name(f"{self.path.stem}-members.csv")
        self.repeat = _Repeat(repeat) if not self.json and repeat.exists() else None

    def rows(self):
        if self.json:
            yield from _json_rows(self.path)
            return
        for chunk in batched(_csv_rows(self.path), CHUNK):
            members = self.repeat.of([k for k in map(_own_key, chunk) if k]) if self.repeat else {}
            for row in chunk:
                key = _own_key(row)
                row["members"] = members.get(key, []) if key else []
                yield row

    def close(self) -> None:
        if self.repeat:
            self.repeat.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def instance_id(row: dict) -> str:
    return str(row.get("instanceID") or row.get("KEY") or row.get("_uuid") or "").strip()


def submitter(row: dict) -> str:
    return str(row.get("username") or row.get("SubmitterName") or row.get("_submitted_by") or "").strip()
