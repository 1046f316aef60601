"""The district's side of a package: send an approved decree's signed package, and follow the answer.

In one installation (setting `NATIONAL_INBOX` "local", the default) sending delivers the package to the
national inbox at once, and every answer there updates the dispatch. Where the national team runs its own
installation ("none"), the district downloads the package to hand over, and uploads the acknowledgement
file the national team gives back.
"""

import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.inbox import inbox_dir

from .models import Decree, PackageDispatch
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
                                 "sent_by": actor, "sent_at": timezone.now(), "answered_at": None})
    if settings.NATIONAL_INBOX == "local":
        receive(data, user=actor)
        dispatch.refresh_from_db()
    return dispatch


ANSWERS = {"received": Status.RECEIVED, "applied": Status.APPLIED, "refused": Status.REFUSED}


def record_answer(ack: dict) -> PackageDispatch | None:
    """Record the national team's answer on the dispatch of the same package (matched by SHA-256)."""
    dispatch = PackageDispatch.objects.filter(sha256=str(ack.get("sha256") or "")).first()
    status = ANSWERS.get(str(ack.get("status") or ""))
    if dispatch is None or status is None:
        return None
    dispatch.status, dispatch.reason, dispatch.answered_at = status, str(ack.get("reason") or "")[:2000], timezone.now()
    dispatch.save(update_fields=["status", "reason", "answered_at"])
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
