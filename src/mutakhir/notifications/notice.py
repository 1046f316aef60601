"""The public notice of a village's frozen prelist, for the village board: who is listed, and how to object.

Names and RT/RW only (the head of each household): no NIK, no KK, no address beyond the neighbourhood, no
category. A board is read by neighbours, and that is the point: they know who lives where and can object.
The dates are the objection window (`objections.window`); the ways to object are the public complaint form,
the village office, and following the ticket.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from mutakhir.identification.models import Prelist
from mutakhir.identification.prelists import head_and_address

from .objections import window
from .texts import public_url


def listed(prelist: Prelist) -> list[tuple[int, str, str, str]]:
    """Return (number, head's name, RT, RW) per household on the prelist, by RW, RT and name."""
    entries = (prelist.entries.select_related("registration", "household")
               .prefetch_related("registration__members", "household__members"))
    people = []
    for entry in entries:
        subject = entry.registration or entry.household
        head = head_and_address(subject)[0]
        people.append((subject.rw or "", subject.rt or "", head))
    people.sort()
    return [(n, head, rt, rw) for n, (rw, rt, head) in enumerate(people, 1)]


def pdf(prelist: Prelist) -> bytes:
    """Return the notice as an A4 PDF, in Indonesian whatever the language of the page that asked for it."""
    from weasyprint import HTML

    with translation.override("id"):
        html = render_to_string("notifications/notice_print.html", {
            "prelist": prelist, "rows": listed(prelist), "window": window(prelist), "printed_at": timezone.now(),
            "complaint_url": public_url("publik:complaint"), "follow_url": public_url("publik:follow")})
    return HTML(string=html).write_pdf()


def filename(prelist: Prelist) -> str:
    return f"pengumuman-prelist-{prelist.region_id}-v{prelist.version}.pdf"
