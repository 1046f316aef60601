"""List exports: XLSX (text as text, through core/spreadsheets), and a PDF summary per region (WeasyPrint)."""

import csv
import re
from pathlib import Path

from django.template.loader import render_to_string

from mutakhir.core.spreadsheets import Spreadsheet

XLSX_MAX_ROWS = 1_048_575
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _typed(value: str):
    """Return numbers as numbers, text as it is (the spreadsheet writer keeps it text)."""
    if NUMBER.fullmatch(value):
        return float(value)
    return value


def write_xlsx(csv_path: Path, xlsx_path: Path) -> bool:
    """Copy a CSV file into a workbook (numbers as numbers, text as text); False if too long."""
    book = Spreadsheet()
    sheet = book.sheet("list")
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n > XLSX_MAX_ROWS:
                return False
            sheet.append([_typed(v) for v in row] if n else row)
    book.save(xlsx_path)
    return True


def xlsx_bytes(header, rows) -> bytes:
    """Return a header and rows (values as the database gives them) as a one-sheet workbook."""
    book = Spreadsheet()
    sheet = book.sheet("list")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()


def pdf_bytes(summary: dict, title: str = "") -> bytes:
    """Render the per-region summary of a list as PDF."""
    from weasyprint import HTML

    html = render_to_string("targeting/summary_pdf.html", {"summary": summary, "title": title})
    return HTML(string=html).write_pdf()


def write_pdf(summary: dict, path: Path, title: str = "") -> None:
    path.write_bytes(pdf_bytes(summary, title))
