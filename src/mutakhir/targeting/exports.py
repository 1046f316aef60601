"""List exports: XLSX safe from formula injection, and a PDF summary per region (WeasyPrint)."""

import csv
import re
from pathlib import Path

from django.template.loader import render_to_string
from openpyxl import Workbook

XLSX_MAX_ROWS = 1_048_575
NUMBER = re.compile(r"-?\d+(\.\d+)?")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str):
    """Return a cell value that a spreadsheet will not run as a formula (text starting = + - @ gets a quote)."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _typed(value: str):
    """Return numbers as numbers and text through `cell`."""
    if NUMBER.fullmatch(value):
        return float(value)
    return cell(value)


def write_xlsx(csv_path: Path, xlsx_path: Path) -> bool:
    """Copy a CSV file into a workbook (numbers as numbers, text formula-safe); False if too long."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("list")
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n > XLSX_MAX_ROWS:
                return False
            ws.append([_typed(v) for v in row] if n else row)
    wb.save(xlsx_path)
    return True


def pdf_bytes(summary: dict, title: str = "") -> bytes:
    """Render the per-region summary of a list as PDF."""
    from weasyprint import HTML

    html = render_to_string("targeting/summary_pdf.html", {"summary": summary, "title": title})
    return HTML(string=html).write_pdf()


def write_pdf(summary: dict, path: Path, title: str = "") -> None:
    path.write_bytes(pdf_bytes(summary, title))
