"""Render a decree and its annex (masked NIK) as PDF with WeasyPrint."""

from django.template.loader import render_to_string

from .services import annex


def render_pdf(decree) -> bytes:
    from weasyprint import HTML

    html = render_to_string("decrees/pdf.html", {"decree": decree, "annex": annex(decree)})
    return HTML(string=html).write_pdf()
