"""The national inbox over the API: a district pushes its signed package and polls the answer; the national
team applies or refuses. Thin handlers over registry/packages/inbox.py, the functions the inbox pages call."""

from datetime import datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from mutakhir.core.api import READ_ERRORS
from mutakhir.core.bodylimit import body_limit
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.schemas import Problem
from mutakhir.registration.tokens import TokenAuth

from . import access
from .inbox_views import PACKAGE_MAX_BYTES
from .models import PackageSubmission
from .packages import PackageError
from .packages.inbox import acknowledgement, do_refuse, do_start_apply, package_district, receive

MAX_ID = 2**63 - 1  # a larger id overflows the database's integer
router = Router(auth=TokenAuth(purpose=TokenPurpose.PACKAGES), tags=["packages"])
ERRORS = {**READ_ERRORS, 400: Problem, 409: Problem, 413: Problem}
PACKAGE_BODY = {"requestBody": {"required": True, "content": {
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


class SubmissionOut(Schema):
    id: int
    district: str
    decree: str
    sha256: str
    status: str
    reason: str
    received_at: datetime
    decided_at: datetime | None
    dry_run: dict
    counts: dict
    acknowledgement: dict


class RefuseIn(Schema):
    reason: str


def as_json(submission: PackageSubmission) -> dict:
    return {"id": submission.pk, "district": submission.district, "decree": submission.decree_number,
            "sha256": submission.sha256, "status": submission.status, "reason": submission.reason,
            "received_at": submission.received_at, "decided_at": submission.decided_at,
            "dry_run": submission.dry_run, "counts": submission.counts,
            "acknowledgement": acknowledgement(submission)}


def _package_bytes(request) -> bytes:
    """The package: a multipart form's `file`, or the raw body (application/zip)."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        return upload.read() if upload else b""
    return request.body


@router.post("/", response={201: SubmissionOut, **ERRORS}, summary="Send a signed district package",
             openapi_extra=PACKAGE_BODY)
@body_limit(lambda: PACKAGE_MAX_BYTES)
def push_package(request):
    """Receive a package as the inbox page does: checked at once, answered received or refused with why.

    A district sends its own district's packages only; 400 for a file that is no package or was received."""
    data = _package_bytes(request)
    if not data:
        return Reply(400, {"detail": _("Send the package (.zip) as the body or as the form field `file`.")})
    if not access.can_send_package_of(request.user, package_district(data)):
        return Reply(403, {"detail": _("You may only send packages of your own district.")})
    try:
        submission = receive(data, user=request.user)
    except PackageError as exc:
        return Reply(400, {"detail": str(exc)})
    return Reply(201, as_json(submission))


@router.get("/", response={200: list[SubmissionOut], **READ_ERRORS}, summary="List packages you may follow")
def list_packages(request, status: PackageSubmission.Status | None = None):
    """The national team's inbox, or a district's own packages; newest first, at most 200."""
    submissions = access.submissions_to_follow(request.user)
    if status:
        submissions = submissions.filter(status=status)
    return [as_json(s) for s in submissions[:200]]


@router.get("/{pk}", response={200: SubmissionOut, **READ_ERRORS}, summary="Poll a package's answer")
def read_package(request, pk: int = PathParam(..., ge=1, le=MAX_ID)):
    """Received, applied or refused (with the reason), and the acknowledgement the district records."""
    return Reply(200, as_json(get_object_or_404(access.submissions_to_follow(request.user), pk=pk)))


def _national_package(user, pk: int) -> PackageSubmission:
    if not access.can_receive_packages(user):
        raise HttpError(403, _("Only the national team applies or refuses packages."))
    return access.get_package_for_user(user, pk)


@router.post("/{pk}/apply", response={202: SubmissionOut, **ERRORS}, summary="Apply a package (national team)")
def apply_package(request, pk: int = PathParam(..., ge=1, le=MAX_ID)):
    """Start merging the package in a background job, as the package page's button; poll the package."""
    submission = _national_package(request.user, pk)
    try:
        with transaction.atomic():
            do_start_apply(submission, actor=request.user)
    except PackageError as exc:
        return Reply(409, {"detail": str(exc)})
    submission.refresh_from_db()
    return Reply(202, as_json(submission))


@router.post("/{pk}/refuse", response={200: SubmissionOut, **ERRORS}, summary="Refuse a package (national team)")
def refuse_package(request, payload: RefuseIn, pk: int = PathParam(..., ge=1, le=MAX_ID)):
    submission = _national_package(request.user, pk)
    try:
        submission = do_refuse(submission, reason=payload.reason, actor=request.user)
    except PackageError as exc:
        return Reply(409, {"detail": str(exc)})
    return Reply(200, as_json(submission))
