"""The one place registration talks to registry.exchange: open an upload as an exchange-format dataset.

Accepts what `registry.exchange.dataset.open_dataset` reads (a folder or .zip of households.csv and
members.csv) plus an .xlsx workbook with sheets `households` and `members`, which is streamed to CSV
files first so that the exchange reader validates every row the same way.
"""

import contextlib
import csv
import datetime as dt
import tempfile
import zipfile
from pathlib import Path

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


@contextlib.contextmanager
def open_upload(path: str | Path):
    """Yield the exchange Dataset of a folder, .zip or .xlsx; raise DatasetError with a clear message."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with tempfile.TemporaryDirectory(prefix="mutakhir-xlsx-") as tmp:
            xlsx_to_csv(path, Path(tmp))
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


def xlsx_to_csv(path: Path, folder: Path) -> None:
    """Stream the households and members sheets to CSV; refuse broken workbooks and formulas."""
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
            _sheet_to_csv(workbook[names[sheet]], sheet, folder / f"{sheet}.csv")
    finally:
        workbook.close()


def _sheet_to_csv(worksheet, sheet: str, target: Path) -> None:
    width = 0
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        try:
            for row, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [_text(v) for v in values]
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
