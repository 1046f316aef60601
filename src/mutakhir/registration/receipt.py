"""The registration receipt as a PDF (WeasyPrint): what the applicant keeps, with identity numbers masked.

The QR code carries the public status page's address, where the applicant checks the registration with
their own NIK and name; the receipt itself holds no full NIK or KK.
"""

import base64

import qrcode
import qrcode.image.svg
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from mutakhir.registry.display import mask_id

STYLESHEET = "registration/receipt_pdf.css"


def qr_data_uri(text: str) -> str:
    """Return an SVG QR code of `text` as a data: URI (WeasyPrint draws SVG images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def receipt_context(registration, status_url: str) -> dict:
    """Return what a receipt shows: number, date, channel, masked NIK/KK and name of the head, members count."""
    members = list(registration.members.all())
    head = next((m for m in members if m.relation == 1), None)
    return {"r": registration, "head": head, "members_count": len(members),
            "nik": mask_id(head.nik if head else ""), "kk": mask_id(head.kk if head else ""),
            "status_url": status_url, "qr": qr_data_uri(status_url), "printed_at": timezone.now()}


def render_pdf(registration, status_url: str) -> bytes:
    """Return the A5 receipt of a registration as PDF bytes."""
    from weasyprint import CSS, HTML

    html = render_to_string("registration/receipt_pdf.html", receipt_context(registration, status_url))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])
