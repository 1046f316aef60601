"""Resumable uploads through the API: create (name, size, SHA-256), write chunks at offsets, complete.

A large extract cannot travel in one request (the API's bodies are small, and a broken connection would
start it over). The client writes chunks in order; a chunk at the wrong offset is refused with the offset
expected, so after a failure the client reads the upload's `received` and carries on from there. Complete
checks the size and the SHA-256 and moves the file to where the upload page would have put it; the caller
then starts that page's job on it. An upload left unfinished is deleted with the other uploads left behind
(`mutakhir purge`, 2 days after its last chunk).
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.digests import file_sha256

from .models import ApiUpload
from .privatefiles import write_private

CHUNK_MAX_BYTES = 16 * 2**20


class UploadError(Exception):
    """A chunk or a completion refused; `expected` is the offset the next chunk must start at, when that is why."""

    def __init__(self, message: str, expected: int | None = None):
        super().__init__(message)
        self.expected = expected


def check_create(filename: str, size: int, sha256: str, *, suffixes: tuple[str, ...], max_bytes: int) -> None:
    if not filename.lower().endswith(suffixes):
        raise UploadError(_("The file must end in %(suffixes)s.") % {"suffixes": ", ".join(suffixes)})
    if not 0 < size <= max_bytes:
        raise UploadError(_("The file must hold between 1 byte and %(max)s.") % {"max": filesizeformat(max_bytes)})
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256.lower()):
        raise UploadError(_("sha256 must be the file's SHA-256 in 64 hexadecimal digits."))


def do_create(user, *, kind: str, filename: str, size: int, sha256: str, region_code: str,
              agency: str = "") -> ApiUpload:
    """Create the upload and its empty file (0600) under var/uploads/api/."""
    path = write_private(Path(settings.VAR_DIR) / "uploads" / "api" / f"{uuid.uuid4().hex}.part", [])
    return ApiUpload.objects.create(kind=kind, agency=agency, filename=Path(filename).name[:120], size=size,
                                    sha256=sha256.lower(), path=str(path), region_code=region_code,
                                    created_by=user)


def do_write_chunk(upload: ApiUpload, offset: int, data: bytes) -> ApiUpload:
    """Write `data` at `offset`, which must be the bytes received so far (UploadError otherwise)."""
    with transaction.atomic():
        current = ApiUpload.objects.select_for_update().get(pk=upload.pk)
        if current.completed_at:
            raise UploadError(_("This upload is complete: it takes no more chunks."))
        if not Path(current.path).exists():  # `mutakhir purge` deletes uploads left for 2 days
            raise UploadError(_("This upload was left unfinished too long and its file deleted: start a new one."))
        if offset != current.received:
            raise UploadError(_("The next chunk starts at byte %(n)s.") % {"n": current.received}, current.received)
        if not data or offset + len(data) > current.size:
            raise UploadError(_("A chunk holds 1 byte or more and ends by the declared size (%(n)s bytes).")
                              % {"n": current.size}, current.received)
        with open(current.path, "r+b") as fh:  # a chunk cut off before may have left bytes after `offset`
            fh.seek(offset)
            fh.write(data)
            fh.truncate()
        # compare-and-set: a chunk written meanwhile for the same offset leaves this one unrecorded
        if not ApiUpload.objects.filter(pk=current.pk, received=offset).update(received=offset + len(data)):
            raise UploadError(_("Another chunk was written meanwhile; read the upload and go on."))
    upload.refresh_from_db()
    return upload


def do_complete(upload: ApiUpload, target: Path) -> Path:
    """Check the received file's size and SHA-256, then move it to `target` (the caller's place for it)."""
    if upload.completed_at:
        raise UploadError(_("This upload is complete already."))
    if upload.received != upload.size:
        raise UploadError(_("%(received)s of %(size)s bytes were received: send the rest first.")
                          % {"received": upload.received, "size": upload.size}, upload.received)
    if file_sha256(upload.path) != upload.sha256:
        os.truncate(upload.path, 0)
        ApiUpload.objects.filter(pk=upload.pk).update(received=0)
        raise UploadError(_("The file's SHA-256 differs from the one declared: it was damaged on the way. Send "
                            "it again from byte 0."), 0)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(upload.path, target)
    ApiUpload.objects.filter(pk=upload.pk).update(path=str(target), completed_at=timezone.now())
    upload.refresh_from_db()
    return target


def do_start(upload: ApiUpload, job, result_id: int) -> None:
    """Record the job the completed upload started (and the import it feeds)."""
    ApiUpload.objects.filter(pk=upload.pk).update(job=job, result_id=result_id)
    upload.refresh_from_db()
