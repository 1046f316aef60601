"""The district's side of a package: send an approved decree's signed package, and follow the answer.

In one installation (setting `NATIONAL_INBOX` "local", the default) sending delivers the package to the
national inbox at once, and every answer there updates the dispatch. Where the national team runs its own
installation reachable by API (an http(s) URL), sending pushes the package to its inbox and "update the
status" polls the answer. Where it is not reachable ("none"), the district downloads the package to hand
over, and uploads the acknowledgement file the national team gives back. Each answer is kept in order
(`PackageAnswer`), not only the last.
"""

import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.inbox import inbox_dir

from . import national
from .models import Decree, PackageAnswer, PackageDispatch
from .package_export import export_package

Status = PackageDispatch.Status


def outbox_path(decree: Decree):
    path = inbox_dir() / "outbox"
    path.mkdir(exist_ok=True, mode=0o700)
    return path / f"SK-{decree.pk}.zip"


def check_send(decree: Decree) -> None:
    if not decree.is_approved:
        raise PackageError(_("Only an approved decree is sent."))
    dispatch = PackageDispatch.objects.filter(decree=decree).first()
    if dispatch and dispatch.status != Status.REFUSED:
        raise PackageError(_("The package of this decree was sent already (%(status)s).")
                           % {"status": dispatch.get_status_display()})


@transaction.atomic
def do_send(decree: Decree, *, actor) -> PackageDispatch:
    """Write the decree's signed package and, in one installation, deliver it to the national inbox."""
    from mutakhir.registry.packages.inbox import receive

    decree = Decree.objects.select_for_update().get(pk=decree.pk)
    check_send(decree)
    path = outbox_path(decree)
    export_package(decree, path)
    path.chmod(0o600)
    data = path.read_bytes()
    dispatch, _created = PackageDispatch.objects.update_or_create(
        decree=decree, defaults={"sha256": hashlib.sha256(data).hexdigest(), "status": Status.SENT, "reason": "",
                                 "sent_by": actor, "sent_at": timezone.now(), "answered_at": None,
                                 "remote_id": None, "received_at": None})
    if settings.NATIONAL_INBOX == "local":
        receive(data, user=actor)
    elif national.inbox_url():
        _record_remote(dispatch, national.push(data))
    dispatch.refresh_from_db()
    return dispatch


def _record_remote(dispatch: PackageDispatch, answer: dict) -> PackageDispatch | None:
    """Record the national API's answer on a package (its submission id, received date and status)."""
    ack = answer.get("acknowledgement") or {}
    if ack.get("sha256") != dispatch.sha256:
        raise PackageError(_("The national installation answered about another package than the one sent."))
    PackageDispatch.objects.filter(pk=dispatch.pk).update(remote_id=answer.get("id"))
    return record_answer(ack, received_at=parse_datetime(str(answer.get("received_at") or "")))


def can_refresh(dispatch: PackageDispatch | None) -> bool:
    """A package sent by API whose answer may still change (received: applied or refused later)."""
    return bool(dispatch and dispatch.remote_id and national.inbox_url()
                and dispatch.status in (Status.SENT, Status.RECEIVED))


def do_refresh(dispatch: PackageDispatch) -> PackageDispatch:
    """Ask the national installation for the package's answer now, and record it."""
    if not can_refresh(dispatch):
        raise PackageError(_("There is no answer to wait for on this package."))
    with transaction.atomic():
        _record_remote(dispatch, national.poll(dispatch.remote_id))
    dispatch.refresh_from_db()
    return dispatch


ANSWERS = {"received": Status.RECEIVED, "applied": Status.APPLIED, "refused": Status.REFUSED}


def record_answer(ack: dict, *, received_at=None) -> PackageDispatch | None:
    """Record the national team's answer on the dispatch of the same package (matched by SHA-256).

    A new answer (another status or reason than the last one since sending) is also kept as a PackageAnswer;
    the date the national team received the package is kept once known."""
    dispatch = PackageDispatch.objects.filter(sha256=str(ack.get("sha256") or "")).first()
    status = ANSWERS.get(str(ack.get("status") or ""))
    if dispatch is None or status is None:
        return None
    reason, at = str(ack.get("reason") or "")[:2000], parse_datetime(str(ack.get("at") or ""))
    last = dispatch.answers.filter(recorded_at__gte=dispatch.sent_at).last()
    if last is None or (last.status, last.reason) != (status, reason):
        PackageAnswer.objects.create(dispatch=dispatch, status=status, reason=reason, answered_at=at)
    dispatch.status, dispatch.reason, dispatch.answered_at = status, reason, timezone.now()
    dispatch.received_at = dispatch.received_at or received_at or (at if status == Status.RECEIVED else None)
    dispatch.save(update_fields=["status", "reason", "answered_at", "received_at"])
    return dispatch


def do_record_acknowledgement(decree: Decree, data: bytes) -> PackageDispatch:
    """Read an acknowledgement file for this decree's package; raise PackageError when it is not one."""
    try:
        ack = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        ack = None
    dispatch = PackageDispatch.objects.filter(decree=decree).first()
    if not isinstance(ack, dict) or ack.get("kind") != "package-acknowledgement":
        raise PackageError(_("This is not an acknowledgement file of a package."))
    if dispatch is None or ack.get("sha256") != dispatch.sha256 or ack.get("decree") != decree.number:
        raise PackageError(_("This acknowledgement is for another package than the one this decree sent."))
    return record_answer(ack)
