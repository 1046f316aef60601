"""Beneficiary lists for program systems: the lists of the token's program, a list's entries and its changes
since an earlier list, paged, with the program's allowed columns; every pull logged with its reason.

A `lists` token names one program: another program's list is 404, as a list outside the user's reach is. The
rows are the user's region scope (access.entries_for), as on the list page; the reason is checked as the web
export's is (ExportReasonForm) and written, with the columns and the page, to the personal-data access log.
"""

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam
from ninja.responses import Status as Reply

from mutakhir.core.forms import ExportReasonForm
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.schemas import Problem
from mutakhir.registration.tokens import TokenAuth

from . import access, pulls
from .models import Entry

router = Router(auth=TokenAuth(TokenPurpose.LISTS), tags=["lists"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
MAX_PAGE_SIZE = 1000
MAX_ID = 2**63 - 1  # a larger id overflows the database's integer


class ListOut(Schema):
    id: int
    program: str
    version: int
    unit: str
    ranking_run: int
    previous: int | None
    created_at: dt.datetime
    columns: list[str] = Field(..., description="the columns this program's system receives")


class PullQuery(Schema):
    reason: str = Field(..., min_length=5, max_length=255,
                        description="why the data is pulled (as a web export asks); kept in the access log")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(500, ge=1, le=MAX_PAGE_SIZE)


class EntriesQuery(PullQuery):
    status: Entry.Status | None = None


class ChangesQuery(PullQuery):
    since: int = Field(..., ge=1, le=MAX_ID, description="the id of an earlier list of the same program")


class EntryPage(Schema):
    list: int
    count: int = Field(..., description="rows in all pages")
    page: int
    next_page: int | None
    columns: list[str]
    rows: list[dict[str, Any]]


def _lists(request):
    return access.lists_for(request.user).filter(version__program=request.auth.program_id).select_related(
        "version__program")


def _list(request, pk: int):
    return get_object_or_404(_lists(request), pk=pk)


def _as_json(blist) -> dict:
    return {"id": blist.pk, "program": blist.version.program.name, "version": blist.version.number,
            "unit": blist.version.unit, "ranking_run": blist.ranking_run_id, "previous": blist.previous_id,
            "created_at": blist.created_at, "columns": pulls.columns_of(blist.version.program)}


def _page(request, blist, queryset, query: PullQuery, kind: str):
    """Check the reason, log the pull, return one page of rows with the allowed columns."""
    form = ExportReasonForm({"reason": query.reason})
    if not form.is_valid():
        return Reply(422, {"detail": form.errors["reason"][0], "errors": {"reason": form.errors["reason"]}})
    program = blist.version.program
    columns = pulls.columns_of(program)
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    page = list(queryset[start:start + query.page_size])
    PersonalDataAccess.record(request, PersonalDataAccess.Action.EXPORT, blist,
                              fields=f"api {kind} p{query.page} ({request.auth.prefix}): {','.join(columns)}"[:200],
                              reason=form.cleaned_data["reason"])
    return Reply(200, {"list": blist.pk, "count": count, "page": query.page, "columns": columns,
                       "next_page": query.page + 1 if start + len(page) < count else None,
                       "rows": pulls.rows(request.user, blist, page, columns, full_identity=program.api_full_identity)})


@router.get("", response={200: list[ListOut], **ERRORS}, summary="Lists of your program")
def list_lists(request):
    """The lists drawn for the token's program, newest first (no personal data: not logged)."""
    return [_as_json(blist) for blist in _lists(request)[:100]]


@router.get("/{list_id}", response={200: ListOut, **ERRORS}, summary="Read a list")
def read_list(request, list_id: int = PathParam(..., ge=1, le=MAX_ID)):
    return Reply(200, _as_json(_list(request, list_id)))


@router.get("/{list_id}/entries", response={200: EntryPage, **ERRORS}, summary="Pull a list's entries")
def list_entries(request, query: Query[EntriesQuery], list_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """One page of the entries in your region, in a stable order; `status` filters (selected, grace, ...)."""
    blist = _list(request, list_id)
    return _page(request, blist, pulls.entries(request.user, blist, query.status), query, "entries")


@router.get("/{list_id}/changes", response={200: EntryPage, **ERRORS}, summary="Pull changes since an earlier list")
def list_changes(request, query: Query[ChangesQuery], list_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """Households (persons) listed now and not in list `since` (`change` = entered), and the reverse (exited)."""
    blist = _list(request, list_id)
    since = _list(request, query.since)
    return _page(request, blist, pulls.changes(request.user, blist, since), query, f"changes since {since.pk}")
