"""Background jobs over the API: follow a job an API call started (an import, a package's apply)."""

from datetime import datetime

from ninja import Path as PathParam
from ninja import Router, Schema

from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.schemas import Problem
from mutakhir.registration.tokens import TokenAuth

from .jobs import job_to_follow

# What any API call may answer besides its success: no or a wrong token, another purpose or role, nothing of
# yours there, invalid parameters, too many requests.
READ_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
router = Router(auth=TokenAuth(purpose=TokenPurpose.FEEDS), tags=["feeds", "jobs"])


class JobOut(Schema):
    id: int
    kind: str
    state: str
    finished: bool
    done: int
    total: int | None
    percent: int | None
    note: str
    error: str
    result: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/{pk}", response={200: JobOut, **READ_ERRORS}, summary="Follow a background job")
def read_job(request, pk: int = PathParam(..., ge=1, le=2**63 - 1)):
    """The job's state and progress, as its page's progress line shows them (the same rule of who may follow it).

    Poll until `finished`; `result` then holds what the job made (e.g. the import's counts)."""
    job = job_to_follow(request.user, pk)
    return {"id": job.pk, "kind": job.kind, "state": job.state, "finished": job.is_finished, "done": job.done,
            "total": job.total, "percent": job.percent, "note": job.note, "error": job.error, "result": job.result,
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}
