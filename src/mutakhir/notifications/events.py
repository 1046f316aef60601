"""The events citizens are told about: a complaint received, answered, closed, or past its answer date.

Called by the complaint services inside their transaction, so the outbox row commits with the change it
announces (or not at all). Each event's key makes it one message however often it is noticed; an answer
given again after a reopening is a new event (its key holds the time of the answer).
"""

from mutakhir.complaints.models import Complaint

from .outbox import queue
from .texts import complaint_text


def _event_key(complaint: Complaint, event: str) -> str:
    detail = {"answered": complaint.answered_at.isoformat() if complaint.answered_at else "",
              "overdue": complaint.due_on.isoformat()}.get(event, "")
    return f"complaint:{complaint.pk}:{event}:{detail}"


def complaint_event(complaint: Complaint, event: str) -> None:
    """Queue the message of a complaint's event to its complainant's phone, where the district sends."""
    if not complaint.complainant_phone:
        return
    queue(event_key=_event_key(complaint, event), event=f"complaint_{event}", reference=complaint.ticket,
          region_code=complaint.region_id, body=complaint_text(event, complaint.ticket, complaint.due_on),
          phone=complaint.complainant_phone)
