"""The outcome report as PDF (WeasyPrint; the stylesheet is passed apart, the template has no inline style)
and as XLSX, for the district to sign off."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.spreadsheets import Spreadsheet

from .figures import COUNTS, LABELS

PDF_CSS = """
@page { size: A4; margin: 1.8cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
h1 { font-size: 13pt; text-align: center; } h2 { font-size: 11pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; } th, td { border: 1px solid #555; padding: 2pt 3pt; }
td.num, th.num { text-align: right; } .sign { margin-top: 2.5em; margin-left: 55%; } .small { font-size: 7.5pt; }
"""


def context(report: dict, period, decree=None, signoff=None) -> dict:
    return {"report": report, "period": period, "decree": decree, "signoff": signoff, "counts": COUNTS,
            "labels": LABELS, "printed_at": timezone.now()}


def pdf(report: dict, period, decree=None, signoff=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("verivali/outcomes_pdf.html", context(report, period, decree, signoff))
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)])


def xlsx(report: dict, period, decree=None) -> bytes:
    """Return the report as a workbook: totals, one row per village, the desil movement matrix."""
    book = Spreadsheet()
    sheet = book.sheet(_("Outcomes"))
    sheet.append([_("Update period"), period.name, _("District"), period.region_id])
    sheet.append([_("Decree (SK) of the period"), decree.number if decree else ""])
    sheet.append([])
    sheet.append([_("Village"), _("Code"), *(str(LABELS[c]) for c in COUNTS)])
    for row in report["villages"]:
        sheet.append([row["name"], row["code"], *(row[c] for c in COUNTS)])
    sheet.append([_("Total"), "", *(report["totals"][c] for c in COUNTS)])
    desil = book.sheet(_("Desil"))
    d = report["desil"]
    desil.append([_("Households compared"), d["compared"], _("Moved up"), d["up"], _("Moved down"), d["down"],
                  _("Same desil"), d["same"], _("Left desil 1-4"), d["left_low"], _("Entered desil 1-4"),
                  d["entered_low"]])
    desil.append([_("Desil before / after"), *range(1, 11)])
    for n, line in enumerate(d["matrix"], 1):
        desil.append([n, *line])
    return book.to_bytes()


def filename(period, ext: str) -> str:
    return f"verivali-outcomes-{period.region_id}-{period.pk}.{ext}"
