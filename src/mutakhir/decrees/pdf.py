"""Render a decree as PDF with WeasyPrint, in the legal form of a district head's decree (SK).

Title by the head's office, number, considerations (Menimbang), legal bases (Mengingat), the decided points
(Memutuskan / Menetapkan: KESATU...), place and date in Indonesian, the signatory's office and name; then the
annex: the full table when small, else a summary by village. Either way the PDF names the annex file (XLSX)
and prints its SHA-256 (see annex.py for why). A draft prints a "DRAF" watermark on every page: a preview for
the operator and the head, never mistaken for the approved decree.
"""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .annex import PDF_TABLE_MAX_ROWS, annex, summary_rows
from .legal import head_office, lines


def _points(decree, rows: int) -> list[str]:
    """Return the decided points (diktum) of the decree, in order."""
    points = [_("To legalise the results of the household verification of %(n)s households of the self-updating "
                "mechanism (MPM), update period %(period)s, as listed in the Annex, which is an inseparable part "
                "of this Decree.") % {"n": rows, "period": decree.update_period}]
    if decree.annex_sha256:
        points.append(_("The Annex is kept as an electronic file (XLSX) with SHA-256 %(sha)s; a copy whose SHA-256 "
                        "differs is not the Annex of this Decree.") % {"sha": decree.annex_sha256})
    if decree.corrects:
        points.append(_("This Decree corrects Decree No. %(number)s for the households listed in its Annex.")
                      % {"number": decree.corrects.number})
    points.append(_("The verified data are sent to the national data working group to update the unified data."))
    points.append(_("This Decree takes effect on the date it is set."))
    return points


ORDINALS = (gettext_lazy("FIRST"), gettext_lazy("SECOND"), gettext_lazy("THIRD"), gettext_lazy("FOURTH"),
            gettext_lazy("FIFTH"), gettext_lazy("SIXTH"))


def render_pdf(decree, *, full_table: bool | None = None, draft: bool = False) -> bytes:
    """Return the decree's PDF (`decree.annex_sha256` set already unless `draft`); `full_table` forces the table."""
    from weasyprint import HTML

    rows = decree.items.count()
    if full_table is None:
        full_table = rows <= PDF_TABLE_MAX_ROWS
    with translation.override("id"):  # a decree is an Indonesian legal document, whoever renders it
        heads, summary = summary_rows(decree)
        points = _points(decree, rows)
        html = render_to_string("decrees/pdf.html", {
            "decree": decree, "rows": rows, "summary_heads": heads, "summary": summary, "draft": draft,
            "annex": annex(decree) if full_table else None, "office": head_office(decree.region),
            "considerations": lines(decree.considerations), "legal_bases": lines(decree.legal_basis),
            "points": [(str(ORDINALS[i]) if i < len(ORDINALS) else str(i + 1), p) for i, p in enumerate(points)],
        })
    return HTML(string=html).write_pdf()
