"""The one place registration talks to registry.exchange: open an upload as an exchange-format dataset.

Accepts what `registry.exchange.dataset.open_dataset` reads (a folder or .zip of households.csv and
members.csv) plus an .xlsx workbook with sheets `households` and `members`, which is streamed to CSV
files first so that the exchange reader validates every row the same way.

A workbook is read as it is, not as it says it is: its `<dimension ref="A1:XFD1048576"/>` is ignored (openpyxl
would pad every row to it: 17 billion empty cells for a 96 KB file), and a sheet with a value beyond
XLSX_MAX_COLUMNS columns or XLSX_MAX_ROWS rows is refused, naming the cell and the limit.
"""

import contextlib
import csv
import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from mutakhir.core.archives import check_zip_file
from mutakhir.registry.exchange.columns import HOUSEHOLDS, MEMBERS
from mutakhir.registry.exchange.dataset import open_dataset, precheck
from mutakhir.registry.exchange.errors import DatasetError, IssueLog
from mutakhir.registry.exchange.reader import HouseholdIndex, read_households, read_members

__all__ = ["DatasetError", "HouseholdIndex", "IssueLog", "open_upload", "precheck", "read_households",
           "read_members", "HOUSEHOLDS", "MEMBERS"]
SHEETS = ("households", "members")
REPORT_EVERY = 5000  # sheet rows between two progress reports


@contextlib.contextmanager
def open_upload(path: str | Path, progress=None):
    """Yield the exchange Dataset of a folder, .zip or .xlsx; raise DatasetError with a clear message.

    `progress(done, total, note)` hears of the rows of a workbook as they are converted.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with tempfile.TemporaryDirectory(prefix="mutakhir-xlsx-") as tmp:
            xlsx_to_csv(path, Path(tmp), progress)
            with open_dataset(tmp) as dataset:
                dataset.location = path.name
                yield dataset
        return
    if path.suffix.lower() == ".csv":
        raise DatasetError(_("A single CSV file is not enough: upload a .zip holding households.csv and "
                             "members.csv, or the .xlsx template."))
    with open_dataset(path) as dataset:
        yield dataset


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def xlsx_to_csv(path: Path, folder: Path, progress=None) -> None:
    """Stream the households and members sheets to CSV; refuse broken workbooks, formulas and oversized sheets."""
    check_zip_file(path, DatasetError)  # an .xlsx is a zip: refuse a bomb before openpyxl inflates it
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DatasetError(_("Not a readable Excel workbook (.xlsx): %(reason)s. Save it again from Excel or "
                             "LibreOffice as .xlsx.") % {"reason": exc.__class__.__name__}) from exc
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        for sheet in SHEETS:
            if sheet not in names:
                if sheet == "households":
                    raise DatasetError(_("The workbook has no sheet named “%(sheet)s” (use the template).")
                                       % {"sheet": sheet})
                continue
            worksheet = workbook[names[sheet]]
            worksheet.reset_dimensions()  # the declared size is the file's claim: read the cells there are
            _sheet_to_csv(worksheet, sheet, folder / f"{sheet}.csv", progress)
    finally:
        workbook.close()


def _bounded(values: tuple, sheet: str, row: int) -> tuple:
    """Return the row's first XLSX_MAX_COLUMNS values; refuse a row or a value beyond the limits."""
    max_rows, max_columns = settings.XLSX_MAX_ROWS, settings.XLSX_MAX_COLUMNS
    beyond = next((col for col, v in enumerate(values[max_columns:], start=max_columns + 1)
                   if v not in (None, "")), None)
    if beyond is not None:
        raise DatasetError(_("Sheet “%(sheet)s”, cell %(cell)s lies beyond column %(column)s: at most %(max)s "
                             "columns are accepted. Delete the columns to the right of the data and upload again.")
                           % {"sheet": sheet, "cell": f"{get_column_letter(beyond)}{row}",
                              "column": get_column_letter(max_columns), "max": max_columns})
    values = values[:max_columns]
    if row > max_rows and any(v not in (None, "") for v in values):
        raise DatasetError(_("Sheet “%(sheet)s” has data in row %(row)s: at most %(max)s rows are accepted. "
                             "Split the file and upload the parts one after the other.")
                           % {"sheet": sheet, "row": number_format(row, force_grouping=True),
                              "max": number_format(max_rows, force_grouping=True)})
    return values


def _sheet_to_csv(worksheet, sheet: str, target: Path, progress) -> None:
    width = 0
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        try:
            for row, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if progress and row % REPORT_EVERY == 0:
                    progress(0, None, _("Reading sheet “%(sheet)s”: row %(row)s") % {"sheet": sheet, "row": row})
                cells = [_text(v) for v in _bounded(values, sheet, row)]
                for col, text in enumerate(cells, start=1):
                    if text.startswith("=") and len(text) > 1:
                        raise DatasetError(_("Sheet “%(sheet)s”, cell %(cell)s holds a formula: replace formulas "
                                             "by their values (Paste special → Values) and upload again.")
                                           % {"sheet": sheet, "cell": f"{get_column_letter(col)}{row}"})
                if row == 1:
                    while cells and cells[-1] == "":
                        cells.pop()
                    width = len(cells)
                elif not any(cells):
                    continue  # an empty row
                elif len(cells) != width and not any(cells[width:]):
                    cells = (cells + [""] * width)[:width]  # Excel reports ragged widths
                writer.writerow(cells)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DatasetError(_("Sheet “%(sheet)s” cannot be read (the file is damaged): %(reason)s")
                               % {"sheet": sheet, "reason": exc.__class__.__name__}) from exc
