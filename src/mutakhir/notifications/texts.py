"""The messages' words: short (one SMS where possible), in Indonesian, with the reference to follow.

A message names the registration number or the complaint ticket and never a NIK, a KK or a name: a phone
is often shared, and a message may be read by whoever holds it. Stages after the ranking are said only as
"ranked" where the district does not publish desil and programs (registration/status.py).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutakhir.registration.progress import Stage

STAGE_TEXTS = {
    Stage.ON_PRELIST: gettext_lazy("is on the village prelist; field verification follows"),
    Stage.VERIFIED: gettext_lazy("field verification is finished"),
    Stage.NOT_FOUND: gettext_lazy("field verification is finished"),
    Stage.REJECTED: gettext_lazy("field verification is finished"),
    Stage.IN_DECREE: gettext_lazy("is in the decree (SK) of the district head"),
    Stage.RANKED: gettext_lazy("has been ranked by the national team"),
    Stage.IN_PROGRAMS: gettext_lazy("the program lists are drawn"),
    Stage.NOT_IN_PROGRAMS: gettext_lazy("the program lists are drawn"),
}
"""The stages a registrant is told about, and how each is said."""

COMPLAINT_TEXTS = {
    "received": gettext_lazy("Complaint %(ticket)s received; it is answered by %(due)s."),
    "answered": gettext_lazy("Complaint %(ticket)s has been answered: read the answer with your follow code."),
    "closed": gettext_lazy("Complaint %(ticket)s is closed."),
    "overdue": gettext_lazy("Complaint %(ticket)s is past its answer date (%(due)s); we apologise, it is being "
                            "followed up."),
}


def public_url(name: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse(name)


def _footer(check: str, reference: str) -> str:
    """Where to check, and the stop page with the reference filled in (the citizen adds the phone)."""
    return _("Check: %(check)s Stop messages: %(stop)s") % {
        "check": public_url(check), "stop": f"{public_url('publik:stop')}?ref={reference}"}


def stage_text(number: str, stage: str) -> str:
    with translation.override("id"):
        return _("MPM registration %(number)s: %(stage)s.") % {
            "number": number, "stage": STAGE_TEXTS[stage]} + " " + _footer("publik:status", number)


def complaint_text(event: str, ticket: str, due) -> str:
    with translation.override("id"):
        due_text = formats.date_format(due, "j M Y") if due else ""
        text = str(COMPLAINT_TEXTS[event]) % {"ticket": ticket, "due": due_text}
        return text + " " + _footer("publik:follow", ticket)
