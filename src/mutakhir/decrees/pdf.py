"""Render a decree as PDF with WeasyPrint: the full annex table when small, else a summary by village.

Either way the PDF names the annex file (XLSX) and prints its SHA-256 (see annex.py for why).
"""

from django.template.loader import render_to_string

from .annex import PDF_TABLE_MAX_ROWS, annex, summary_rows


def render_pdf(decree, *, full_table: bool | None = None) -> bytes:
    """Return the decree's PDF (`decree.annex_sha256` set already); `full_table` forces the table (bench)."""
    from weasyprint import HTML

    rows = decree.items.count()
    if full_table is None:
        full_table = rows <= PDF_TABLE_MAX_ROWS
    heads, summary = summary_rows(decree)
    html = render_to_string("decrees/pdf.html", {"decree": decree, "rows": rows, "summary_heads": heads,
                                                 "summary": summary, "annex": annex(decree) if full_table else None})
    return HTML(string=html).write_pdf()
