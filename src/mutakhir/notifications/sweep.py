"""The periodic sweep: registration stages told, complaints past their date told, the outbox sent.

Stages are noticed by comparing, for each registration with a contact, the stage computed on read
(registration/progress.py) with the last stage told (`Contact.notified_stage`). We sweep rather than hook
the services: a stage is derived from records of six apps (prelists, verifications, decrees, package
dispatches, ranking runs, program lists), some written in bulk by background jobs, and a hook forgotten in
one of them would silently lose messages; the sweep cannot disagree with what the status check shows, and a
message lost in a crash is found at the next round. Each event's unique key keeps it to one message.
A district that turns notifications on tells each registrant with a contact their current stage once.
"""

import datetime as dt
import logging
import threading

from django.db import DatabaseError, connection

from mutakhir.complaints.models import Complaint
from mutakhir.registration.models import Status
from mutakhir.registration.progress import RANKING_STAGES, Stage, progress_of
from mutakhir.registration.status import shows_desil

from .delivery import deliver_due, recover_stale
from .events import complaint_event
from .models import Contact, NotificationSettings
from .outbox import queue
from .texts import STAGE_TEXTS, stage_text

logger = logging.getLogger(__name__)
BATCH = 500
FINAL = {Stage.IN_PROGRAMS, Stage.NOT_IN_PROGRAMS}


def told_stage(stage: str, region_code: str) -> str:
    """Return the stage as the citizen is told it: after the ranking only "ranked" where desil are not shown."""
    if stage in RANKING_STAGES and not shows_desil(region_code):
        return Stage.RANKED
    return stage


def _enabled_districts() -> list[str]:
    return list(NotificationSettings.objects.filter(enabled=True).values_list("region_id", flat=True))


def _tell(contact: Contact, stage: str) -> None:
    reg = contact.registration
    queue(event_key=f"registration:{reg.pk}:{stage}", event=f"stage_{stage}", reference=reg.number,
          region_code=reg.region_id, body=stage_text(reg.number, stage), phone=contact.phone, email=contact.email)


def sweep_stages() -> int:
    """Queue a message for each registration whose told stage changed; return how many changed."""
    districts = _enabled_districts()
    if not districts:
        return 0
    contacts = (Contact.objects.select_related("registration").exclude(notified_stage__in=FINAL)
                .exclude(registration__status=Status.WITHDRAWN).order_by("pk"))
    changed, last = 0, 0
    while True:
        batch = list(contacts.filter(pk__gt=last)[:BATCH])
        if not batch:
            return changed
        last = batch[-1].pk
        batch = [c for c in batch if c.registration.region_id[:4] in districts]
        progress = progress_of([c.registration for c in batch])
        for contact in batch:
            stage = told_stage(progress[contact.registration_id].stage, contact.registration.region_id)
            if stage in STAGE_TEXTS and stage != contact.notified_stage:
                _tell(contact, stage)
                Contact.objects.filter(pk=contact.pk).update(notified_stage=stage)
                changed += 1


def sweep_overdue(today: dt.date | None = None) -> int:
    """Queue "past its answer date" for open overdue complaints with a phone, in districts that send."""
    districts = _enabled_districts()
    overdue = [c for c in Complaint.objects.overdue(today).exclude(complainant_phone="")
               if c.region_id[:4] in districts]
    for complaint in overdue:
        complaint_event(complaint, "overdue")
    return len(overdue)


def run_once(*, stages: bool = True) -> int:
    """One round: put back rows a dead worker left, notice events (when `stages`), send what is due."""
    recover_stale()
    if stages:
        sweep_stages()
        sweep_overdue()
    return deliver_due()


class NotificationSweeper:
    """Inside the worker: a round every `interval` seconds; stages and deadlines every `stage_every` rounds."""

    def __init__(self, interval: float, stage_every: int = 10):
        self.interval, self.stage_every, self.stopped = interval, stage_every, threading.Event()
        self.thread = threading.Thread(target=self.run, name="notification-sweeper", daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        rounds = 0
        try:
            while not self.stopped.wait(self.interval):
                try:
                    run_once(stages=rounds % self.stage_every == 0)
                except DatabaseError:  # busy or away: the next round tries again
                    logger.warning("The notification sweep could not reach the database; trying again.")
                rounds += 1
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
