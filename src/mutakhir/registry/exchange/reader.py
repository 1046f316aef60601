"""Parse and validate the rows of a dataset (pure: no database).

`read_households` and `read_members` yield `(row, record)` for every valid row, where `record` maps
the column names present in the file to typed values; every problem goes to the IssueLog with its
file, row (the header is row 1, as a spreadsheet shows it), column and a message. A row with any
error is not yielded. Villages come in as a set of codes, so the caller decides where they live.
"""

import csv
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core import nik as nikmod
from mutakhir.regions.codes import RegionCodeError, normalize_code
from mutakhir.registry.models import EndReason

from .columns import BY_TABLE, Column
from .dataset import Source, text_stream
from .errors import IssueLog

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CENT = Decimal("0.01")
MAX_AREA = Decimal("999999.99")
MAX_COUNT = 2**31 - 1


class Bad(Exception):
    """A cell that fails its column's rule: a stable code and a translated message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class HouseholdIndex:
    """What members need to know of the households file: valid ids and rejected ids, with rows."""

    valid: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    file: str = "households.csv"


def check_nik(value: str, log: IssueLog, where: tuple) -> None:
    """Check a NIK in one place: shape errors reject the row; deeper faults are warnings (NIKs are often wrong)."""
    shape = nikmod.shape_errors(value)
    if shape:
        raise Bad(str(shape[0]), " ".join(str(c.message) for c in shape))
    for code in _deep_nik_errors(value[:12], value[12:] == "0000"):
        log.warning(*where, f"nik_{code}", code.message, value)


@functools.lru_cache(maxsize=1 << 16)
def _deep_nik_errors(head: str, zero_serial: bool) -> tuple:
    # The region and date parts repeat across a district: cache them (the serial only matters when 0000).
    return nikmod.parse_nik(head + ("0000" if zero_serial else "0001")).errors


def _number(text, column):
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Bad("not_number", _("Not a number (use a dot for decimals, e.g. 36.5).")) from None
    if not value.is_finite() or value < 0 or value > MAX_AREA:
        raise Bad("out_of_range", _("Out of range: from 0 to %(max)s.") % {"max": MAX_AREA})
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _integer(text):
    if not (text.isascii() and text.isdigit()):
        raise Bad("not_integer", _("Not a whole number."))
    return int(text)


def _code(text, column):
    value = _integer(text)
    if value not in column.values:
        allowed = ", ".join(str(v) for v in sorted(column.values))
        raise Bad("bad_code", _("Not a code of this list (allowed: %(allowed)s).") % {"allowed": allowed})
    return value


def _count(text, column):
    value = _integer(text)
    if value > MAX_COUNT:
        raise Bad("out_of_range", _("Out of range: from 0 to %(max)s.") % {"max": MAX_COUNT})
    return value


_FLAGS = {"1": True, "0": False}


def _flag(text, column):
    if text in _FLAGS:
        return _FLAGS[text]
    raise Bad("bad_flag", _("Must be 0 or 1."))


def _date(text, column):
    if not _DATE.match(text):
        raise Bad("bad_date", _("Not a date in YYYY-MM-DD form."))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Bad("bad_date", _("Not a valid date.")) from None


def _datetime(text, column):
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Bad("bad_datetime", _("Not a date and time in ISO 8601 form (2024-05-31T13:45:00+07:00).")) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _end_reason(text, column):
    if text not in EndReason.values:
        raise Bad("bad_end_reason", _("Not an end reason (allowed: %(allowed)s).") %
                  {"allowed": ", ".join(EndReason.values)})
    return text


def _kk(text, column):
    shape = nikmod.shape_errors(text)
    if shape:
        raise Bad(f"kk_{shape[0]}", " ".join(str(c.message) for c in shape))
    return text


CONVERTERS: dict[str, Callable] = {"number": _number, "code": _code, "count": _count, "flag": _flag,
                                   "date": _date, "datetime": _datetime, "end_reason": _end_reason, "kk": _kk}


class _Table:
    """Rows of one file as (row number, {column: text}), header row 1, for CSV and Parquet alike."""

    def __init__(self, source: Source, log: IssueLog):
        self.source, self.log = source, log
        known = {c.name: c for c in BY_TABLE[source.table]}
        self.columns: list[tuple[int, Column]] = []
        for i, name in enumerate(source.header):
            if name in known and name not in {c.name for _, c in self.columns}:
                self.columns.append((i, known[name]))
        self.present = {c.name for _, c in self.columns}
        self.plan = [(i, c.name, _converter(c, log, source.name)) for i, c in self.columns]

    def records(self) -> Iterator[tuple[int, list[str], bool]]:
        """Yield (row, cells, ok): ok is False for a row whose field count differs from the header."""
        if self.source.kind == "csv":
            yield from self._csv_records()
        else:
            yield from self._parquet_records()

    def _csv_records(self):
        width = len(self.source.header)
        with text_stream(self.source) as fh:
            reader = csv.reader(fh, strict=True)
            next(reader, None)
            for row, record in enumerate(reader, start=2):
                if not record or record == [""]:
                    continue  # a blank line
                if len(record) != width:
                    self.log.error(self.source.name, row, "", "field_count",
                                   _("The row has %(found)s fields, the header has %(expected)s.")
                                   % {"found": len(record), "expected": width})
                    yield row, record, False
                    continue
                yield row, record, True

    def _parquet_records(self):
        import pyarrow.parquet as pq

        names = [c.name for _, c in self.columns]
        positions = {c.name: i for i, c in self.columns}
        row = 1
        for batch in pq.ParquetFile(self.source.path).iter_batches(batch_size=10_000, columns=names):
            lists = [batch.column(n).to_pylist() for n in names]
            for values in zip(*lists, strict=True):
                row += 1
                record = [""] * len(self.source.header)
                for name, value in zip(names, values, strict=True):
                    record[positions[name]] = _as_text(value)
                yield row, record, True


def _as_text(value) -> str:
    """Return a Parquet value as the CSV text it stands for."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _converter(column: Column, log: IssueLog, file: str) -> Callable:
    """Return the function turning one stripped cell into its value (raising Bad), empty cells included."""
    kind = column.kind
    empty = "" if kind in ("text", "nik", "kk", "end_reason") else None
    if kind == "code":  # the hot path: a dict lookup ("4" and "04" alike)
        table = {str(v): v for v in column.values} | {f"{v:02d}": v for v in column.values}
        slow = functools.partial(_code, column=column)
        inner = lambda text: table[text] if text in table else slow(text)  # noqa: E731
    elif kind == "flag":
        inner = functools.partial(_flag, column=column)
    elif kind == "text":
        limit = column.max_length or 10**9

        def inner(text):
            if len(text) > limit:
                raise Bad("too_long", _("Longer than %(max)s characters.") % {"max": limit})
            return text
    elif kind == "region":
        inner = _region
    elif kind == "nik":  # needs the row: deeper NIK faults are logged as warnings
        def convert_nik(text, row):
            if text:
                check_nik(text, log, (file, row, column.name))
            return text
        return convert_nik
    else:
        inner = functools.partial(CONVERTERS[kind], column=column)
    if column.required:
        def convert(text, row):
            if not text:
                raise Bad("required", _("Required value missing."))
            return inner(text)
    else:
        def convert(text, row):
            return inner(text) if text else empty
    return convert


def _validate(table: _Table, row: int, record: list[str], extra: Callable | None) -> dict | None:
    """Convert one row; log every bad cell; return the typed record, or None when any cell is bad."""
    out, ok = {}, True
    for i, name, convert in table.plan:
        text = record[i].strip()
        try:
            out[name] = convert(text, row)
        except Bad as bad:
            table.log.error(table.source.name, row, name, bad.code, bad.message, text)
            ok = False
    if ok and extra is not None:
        ok = extra(row, out)
    return out if ok else None


def _region(text):
    try:
        code = normalize_code(text)
    except RegionCodeError:
        code = ""
    if len(code) != 10:
        raise Bad("not_village_code", _("Not a 10-digit village code (e.g. 1901022001)."))
    return code


def read_households(source: Source, log: IssueLog, villages: set[str] | frozenset[str], index: HouseholdIndex,
                    district: str = "") -> Iterator[tuple[int, dict]]:
    """Yield valid household rows; fill `index` with valid and rejected household ids."""
    table = _Table(source, log)

    def cross_checks(row, out):
        code = out["region_code"]
        if code not in villages:
            log.error(source.name, row, "region_code", "unknown_village", _("Unknown village code."), code)
            return False
        if district and not code.startswith(district):
            log.error(source.name, row, "region_code", "outside_period",
                      _("The village lies outside the update period's district %(district)s.")
                      % {"district": district}, code)
            return False
        first = index.valid.get(out["household_id"])
        if first is not None:
            log.error(source.name, row, "household_id", "duplicate_id",
                      _("Duplicate household_id: first seen on row %(row)s.") % {"row": first}, out["household_id"])
            return False
        return True

    index.file = source.name
    id_at = source.header.index("household_id")
    for row, record, ok in table.records():
        out = _validate(table, row, record, cross_checks) if ok else None
        if out is None:
            key = record[id_at].strip() if id_at < len(record) else ""
            if key and key not in index.valid:
                index.rejected.setdefault(key, row)
            continue
        index.valid[out["household_id"]] = row
        index.rejected.pop(out["household_id"], None)
        yield row, out


def read_members(source: Source, log: IssueLog, households: HouseholdIndex) -> Iterator[tuple[int, dict]]:
    """Yield valid member rows: unique record_id, household present and accepted in the households file."""
    table = _Table(source, log)
    seen: set[str] = set()

    def cross_checks(row, out):
        record_id, household_id = out["record_id"], out["household_id"]
        ok = True
        if record_id in seen:
            log.error(source.name, row, "record_id", "duplicate_id",
                      _("Duplicate record_id: it appears earlier in this file."), record_id)
            ok = False
        if household_id not in households.valid:
            rejected = households.rejected.get(household_id)
            if rejected is not None:
                log.error(source.name, row, "household_id", "household_rejected",
                          _("The household was rejected (%(file)s row %(row)s), so its member is too.")
                          % {"file": households.file, "row": rejected}, household_id)
            else:
                log.error(source.name, row, "household_id", "household_missing",
                          _("The household is not in the households file."), household_id)
            ok = False
        return ok

    for row, record, ok in table.records():
        if not ok:
            continue
        out = _validate(table, row, record, cross_checks)
        if out is not None:
            seen.add(out["record_id"])
            yield row, out


def present_columns(source: Source) -> list[str]:
    """Return the format's columns present in a file, in file order."""
    return [c.name for _, c in _Table(source, IssueLog()).columns]
