"""Feeds in by API: civil-registry extracts and agency signal files, uploaded in chunks, answered with a job.

The same rules and services as the upload pages: who may upload (sync_access / signals.access), the
region the import covers (the token's account's own), the same checks, the same job. Uploads are the
token's account's own: another account (another district) gets 404.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from mutakhir.core import uploads
from mutakhir.core.api import READ_ERRORS
from mutakhir.core.bodylimit import body_limit
from mutakhir.core.models import ApiUpload
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.schemas import Problem
from mutakhir.registration.tokens import TokenAuth

from . import sync_access
from . import sync_services as sync
from .models import Agency
from .signals import access as signal_access
from .signals import services as signals
from .signals.views import MAX_BYTES as SIGNAL_MAX_BYTES
from .sync_views import max_extract_bytes

router = Router(auth=TokenAuth(purpose=TokenPurpose.FEEDS), tags=["feeds"])
ERRORS = {**READ_ERRORS, 400: Problem, 409: Problem, 413: Problem}
Kind = ApiUpload.Kind
MAX_ID = 2**63 - 1  # a larger id or offset overflows the database's integer
CHUNK_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


class UploadIn(Schema):
    kind: Kind
    agency: Agency | None = Field(None, description="for kind `signals`: the agency of the file")
    filename: str = Field(..., max_length=120)
    size: int = Field(..., ge=1, le=MAX_ID)
    sha256: str = Field(..., min_length=64, max_length=64)


class UploadOut(Schema):
    id: int
    kind: str
    agency: str
    filename: str
    size: int
    sha256: str
    received: int
    complete: bool
    job: int | None
    import_id: int | None = Field(None, description="the civil sync's or the signal import's id")
    created_at: datetime


class ChunkProblem(Problem):
    expected_offset: int | None = None


def as_json(upload: ApiUpload) -> dict:
    return {"id": upload.pk, "kind": upload.kind, "agency": upload.agency, "filename": upload.filename,
            "size": upload.size, "sha256": upload.sha256, "received": upload.received,
            "complete": upload.completed_at is not None, "job": upload.job_id, "import_id": upload.result_id,
            "created_at": upload.created_at}


def _rules(user, kind: str) -> tuple[str, tuple[str, ...], int]:
    """Return the region an upload of `kind` by the user covers, its file suffixes and size limit (403 if none)."""
    if kind == Kind.CIVIL_EXTRACT:
        region = sync_access.sync_region_for(user)
        if region is None:
            raise HttpError(403, _("Your role does not start civil-registry syncs."))
        return region, (".zip", ".csv"), max_extract_bytes()
    if not signal_access.can_import(user):
        raise HttpError(403, _("Your role does not import agency signal files."))
    return signal_access.import_region(user), (".csv", ".txt"), SIGNAL_MAX_BYTES


def _upload(user, pk: int) -> ApiUpload:
    return get_object_or_404(ApiUpload.objects.filter(created_by=user), pk=pk)


@router.post("/uploads/", response={201: UploadOut, **ERRORS}, summary="Start uploading a feed file")
def create_upload(request, payload: UploadIn):
    """Declare the file (kind, name, size, SHA-256); then PUT its chunks and complete it."""
    region, suffixes, max_bytes = _rules(request.user, payload.kind)
    if payload.kind == Kind.SIGNALS and not payload.agency:
        return Reply(400, {"detail": _("Choose the agency of the extract.")})
    try:
        uploads.check_create(payload.filename, payload.size, payload.sha256, suffixes=suffixes, max_bytes=max_bytes)
    except uploads.UploadError as exc:
        return Reply(400, {"detail": str(exc)})
    upload = uploads.do_create(request.user, kind=payload.kind, agency=payload.agency or "",
                               filename=payload.filename, size=payload.size, sha256=payload.sha256,
                               region_code=region)
    return Reply(201, as_json(upload))


@router.get("/uploads/{pk}", response={200: UploadOut, **READ_ERRORS}, summary="Read an upload")
def read_upload(request, pk: int = PathParam(..., ge=1, le=MAX_ID)):
    """`received` is where the next chunk starts (resume from there after a broken connection)."""
    return Reply(200, as_json(_upload(request.user, pk)))


@router.put("/uploads/{pk}", response={200: UploadOut, **ERRORS, 409: ChunkProblem}, openapi_extra=CHUNK_BODY,
            summary="Write a chunk of an upload")
@body_limit(lambda: uploads.CHUNK_MAX_BYTES)
def write_chunk(request, pk: int = PathParam(..., ge=1, le=MAX_ID), offset: int = Query(..., ge=0, le=MAX_ID)):
    """The body is the bytes from `offset` on (at most 16 MB); `offset` must equal `received`, else 409."""
    upload = _upload(request.user, pk)
    try:
        upload = uploads.do_write_chunk(upload, offset, request.body)
    except uploads.UploadError as exc:
        return Reply(409, {"detail": str(exc), "expected_offset": exc.expected})
    return Reply(200, as_json(upload))


@router.post("/uploads/{pk}/complete", response={202: UploadOut, **ERRORS, 409: ChunkProblem},
             summary="Complete an upload and start its import")
def complete_upload(request, pk: int = PathParam(..., ge=1, le=MAX_ID)):
    """Check size and SHA-256, then start the import as the upload page does; follow `job` at /api/jobs/{job}."""
    upload = _upload(request.user, pk)
    _rules(request.user, upload.kind)  # the role may have changed since the upload began
    try:
        started = _start_civil_sync(upload) if upload.kind == Kind.CIVIL_EXTRACT else _start_signals(upload)
    except uploads.UploadError as exc:
        return Reply(409, {"detail": str(exc), "expected_offset": exc.expected})
    except (sync.SyncError, signals.SignalError) as exc:
        return Reply(400, {"detail": str(exc)})
    uploads.do_start(upload, started.job, started.pk)
    return Reply(202, as_json(upload))


def _start_civil_sync(upload: ApiUpload):
    target, extract = sync.extract_place(upload.filename)
    uploads.do_complete(upload, target)
    try:
        sync.check_start_sync(upload.region_code, extract)
    except sync.SyncError:
        sync.discard_extract(extract)
        raise
    return sync.do_start_sync(upload.created_by, upload.region_code, extract)


def _start_signals(upload: ApiUpload):
    path = uploads.do_complete(upload, signals.upload_path())
    try:
        return signals.do_start_import(upload.created_by, upload.agency, upload.filename, path, upload.region_code)
    except signals.SignalError:
        path.unlink(missing_ok=True)
        raise
