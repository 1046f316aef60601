"""How the outbox page names a message's event and the reason it was not sent (stored in English, short)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "stage_on_prelist": _("registration: on the prelist"), "stage_verified": _("registration: verified"),
    "stage_not_found": _("registration: verified"), "stage_rejected": _("registration: verified"),
    "stage_in_decree": _("registration: in a decree"), "stage_ranked": _("registration: ranked"),
    "stage_in_programs": _("registration: program lists"), "stage_not_in_programs": _("registration: program lists"),
    "complaint_received": _("complaint: received"), "complaint_answered": _("complaint: answered"),
    "complaint_closed": _("complaint: closed"), "complaint_overdue": _("complaint: past its answer date"),
}
REASONS = {
    "opted out": _("the recipient asked to stop messages"),
    "worker stopped while sending: sent again": _("the worker stopped while sending: sent again"),
}


def event_label(event: str) -> str:
    return str(EVENTS.get(event, event))


def known_reason(reason: str) -> str:
    """Return a reason this app writes in the user's language, or "" for a gateway's or mail server's own."""
    return str(REASONS.get(reason, ""))
