"""Background-task entry points of notifications (Django Tasks): one message, or a sweep."""

from django.tasks import task

from .delivery import deliver


@task
def deliver_task(message_id: int) -> None:
    """Send one outbox row (if still due and pending: a row already taken or sent is left alone)."""
    deliver(message_id)
