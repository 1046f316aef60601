"""Batch registrations for village systems (OpenSID...): a day's registrations in one request, one answer per row.

Each row goes through `api.create_once`, the single create's own path: the same checks, duplicate guard, scope and
idempotency (the row's `key` is its Idempotency-Key), each row in its own transaction. A row that fails leaves
the others as they are; a batch sent again answers each row as the first time, without a second registration.
"""

from typing import Literal

from ninja import Field, Router, Schema

from .api import ERRORS, create_once
from .models import TokenPurpose
from .schemas import Problem, RegistrationIn, RegistrationOut
from .tokens import TokenAuth

BATCH_MAX_ROWS = 100  # a village's day; 200 rows took 16 s on SQLite (one server thread held that long)
router = Router(auth=TokenAuth(TokenPurpose.REGISTRATIONS), tags=["registrations"])


class BatchRowIn(RegistrationIn):
    key: str = Field(..., min_length=1, max_length=120,
                     description="the row's idempotency key: the same key and row sent again answer as the first time")


class BatchIn(Schema):
    rows: list[BatchRowIn] = Field(..., min_length=1, max_length=BATCH_MAX_ROWS)


class BatchRowOut(Schema):
    index: int = Field(..., description="the row's position in the request, from 0")
    key: str
    result: Literal["created", "duplicate_suspected", "error"]
    status: int = Field(..., description="the HTTP status the single create would have answered")
    registration: RegistrationOut | None = None
    problem: Problem | None = None


class BatchOut(Schema):
    created: int
    duplicate_suspected: int
    error: int
    rows: list[BatchRowOut]


def _row(index: int, key: str, status: int, body: dict) -> dict:
    if status == 201:
        return {"index": index, "key": key, "result": "created", "status": status, "registration": body}
    result = "duplicate_suspected" if body.get("duplicates") else "error"
    return {"index": index, "key": key, "result": result, "status": status, "problem": body}


@router.post("", response={200: BatchOut, **ERRORS}, summary="Register a batch of households")
def create_batch(request, payload: BatchIn):
    """Create each row as `POST /api/registrations/` would, in order; answer per row (see docs/api.md)."""
    rows = [_row(i, row.key, *create_once(request, row, row.key)) for i, row in enumerate(payload.rows)]
    counts = {name: sum(r["result"] == name for r in rows) for name in ("created", "duplicate_suspected", "error")}
    return {**counts, "rows": rows}

