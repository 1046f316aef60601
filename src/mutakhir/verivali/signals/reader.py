"""Read an agency extract row by row (streaming): parse, validate, and find duplicate keys.

The file is read twice: the first pass validates every row and counts each key, so that a NIK (or KK)
appearing twice is refused in all its rows; the second pass yields the clean rows to apply.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mutakhir.core.nik import shape_errors
from mutakhir.verivali.models import SignalIssue

from . import issues
from .layouts import BadValue, columns, cross_check

MAX_FIELD = 1000  # characters; a longer cell is not an extract value


class ExtractError(Exception):
    """The file cannot be read as the agency's layout at all; nothing is applied."""


@dataclass
class Row:
    number: int  # the row's line in a spreadsheet: the header is row 1
    nik: str
    kk: str
    data: dict

    @property
    def key(self) -> tuple[str, str]:
        return ("nik", self.nik) if self.nik else ("no_kk", self.kk)


@dataclass
class FirstPass:
    rows: int = 0
    problems: list[SignalIssue] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    duplicates: dict[tuple[str, str], list[int]] = field(default_factory=dict)


def _open(path: Path):
    try:
        f = path.open(encoding="utf-8-sig", newline="")
        head = f.readline()
    except UnicodeDecodeError as exc:
        raise ExtractError(_("The file is not UTF-8 text (save it as CSV UTF-8).")) from exc
    delimiter = ";" if head.count(";") > head.count(",") else ","
    f.seek(0)
    return f, csv.reader(f, delimiter=delimiter)


def _header(agency: str, names: list[str]) -> dict[str, int]:
    found = {name.strip().lower(): i for i, name in enumerate(names)}
    wanted = columns(agency)
    missing = [c.name for c in wanted if c.required and c.name not in found]
    if "nik" not in found and "no_kk" not in found:
        missing.insert(0, "nik / no_kk")
    if missing:
        raise ExtractError(_("Row 1 (header): missing column(s) %(columns)s; expected %(expected)s.")
                           % {"columns": ", ".join(missing), "expected": ", ".join(c.name for c in wanted)})
    return {c.name: found[c.name] for c in wanted if c.name in found}


def parse(agency: str, number: int, cells: list[str], where: dict[str, int]) -> tuple[Row | None, list]:
    """Return (row, problems) for one line; the row is None when it has a problem."""
    values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in where.items()}
    problems = []
    nik, kk = values.pop("nik", ""), values.pop("no_kk", "")
    for name, value in (("nik", nik), ("no_kk", kk)):
        if value and shape_errors(value):
            problems.append(issues.bad_key(number, name, shape_errors(value)))
    if not nik and not kk:
        problems.append(issues.issue(number, "nik", SignalIssue.Code.MISSING_KEY))
    data = {}
    for column in columns(agency)[2:]:
        value = values.get(column.name, "")
        if not value:
            if column.required:
                required = BadValue(gettext_noop("a value (the column is required)"))
                problems.append(issues.bad_value(number, column.name, "", required))
            continue
        try:
            data[column.name] = column.parse(value[:MAX_FIELD])
        except BadValue as exc:
            problems.append(issues.bad_value(number, column.name, value, exc))
    if not problems and (mixed := cross_check(agency, data)):
        problems.append(issues.bad_value(number, mixed[0], str(data.get(mixed[0], "")), mixed[1]))
    return (None if problems else Row(number, nik, kk, data)), problems


def lines(agency: str, path: Path) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    f, reader = _open(path)
    with f:
        try:
            where = _header(agency, next(reader, []))
            for number, cells in enumerate(reader, start=2):
                if any(c.strip() for c in cells):
                    yield number, cells, where
        except csv.Error as exc:
            raise ExtractError(_("Row %(row)s: the CSV cannot be read (%(error)s).")
                               % {"row": reader.line_num, "error": exc}) from exc
        except UnicodeDecodeError as exc:
            raise ExtractError(_("The file is not UTF-8 text (save it as CSV UTF-8).")) from exc


def first_pass(agency: str, path: Path) -> FirstPass:
    """Validate every row and find the keys that appear more than once."""
    result, seen = FirstPass(), {}
    for number, cells, where in lines(agency, path):
        result.rows += 1
        row, problems = parse(agency, number, cells, where)
        if problems:
            result.problems.extend(problems)
            result.bad_rows.add(number)
        else:
            seen.setdefault(row.key, []).append(number)
    result.duplicates = {key: rows for key, rows in seen.items() if len(rows) > 1}
    for (field_name, key), rows in result.duplicates.items():
        result.problems.extend(issues.issue(r, field_name, SignalIssue.Code.DUPLICATE, key=key, rows=rows)
                               for r in rows)
        result.bad_rows.update(rows)
    return result


def clean_rows(agency: str, path: Path, skip: set[int]) -> Iterator[Row]:
    """Yield the valid, unique rows (second pass)."""
    for number, cells, where in lines(agency, path):
        if number not in skip:
            row, _problems = parse(agency, number, cells, where)
            yield row
