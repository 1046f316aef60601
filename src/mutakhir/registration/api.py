"""Registration REST API: thin handlers over access.py and services.py (the same rules as the pages)."""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status as Reply

from mutakhir.core.models import PersonalDataAccess

from . import flows
from .access import get_registration_for_user, registrations_for
from .guard import GuardLimited, log_outside
from .models import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Channel, IdempotencyKey, Status, TokenPurpose
from .schemas import Problem, RegistrationIn, RegistrationOut, RegistrationPatch, RegistrationRow, WithdrawIn
from .services import (
    DuplicateSuspected,
    VersionConflict,
    check_registration,
    do_correct_registration,
    do_create_registration,
    do_withdraw_registration,
)
from .tokens import TokenAuth
from .validation import ValidationFailed

router = Router(auth=TokenAuth(TokenPurpose.REGISTRATIONS), tags=["registrations"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}
EXTRA_FIELDS = ("consent", "id_document_seen", "visit_date", "visit_lat", "visit_lon", "reason_proposed")


def as_json(registration, warnings=None) -> dict:
    """Return the API form of a registration (RegistrationOut)."""
    out = {name: getattr(registration, name) for name in (*HOUSEHOLD_FIELDS, *EXTRA_FIELDS)}
    out.update(number=registration.number, status=registration.status, channel=registration.channel,
               region_code=registration.region_id, update_period=registration.update_period_id,
               entered_at=registration.entered_at, version=registration.version,
               entered_by=registration.entered_by.get_username(), status_note=registration.status_note,
               warnings=warnings or {},
               members=[{"position": m.position, **{f: getattr(m, f) for f in MEMBER_FIELDS}}
                        for m in registration.members.all()])
    return out


def _problem(exc) -> tuple[int, dict]:
    """Map a service exception to (status, Problem body)."""
    if isinstance(exc, ValidationFailed):
        return 422, {"detail": _("The registration has errors."), "errors": exc.problems.errors,
                     "warnings": exc.problems.warnings}
    if isinstance(exc, DuplicateSuspected):
        return 409, {"detail": _("Possible duplicates: check them, then send again with confirm_duplicates."),
                     "duplicates": [d.as_dict() for d in exc.duplicates]}
    if isinstance(exc, PermissionDenied):
        return 403, {"detail": str(exc) or _("Not allowed.")}
    if isinstance(exc, GuardLimited):
        return 429, {"detail": str(exc)}
    return 409, {"detail": str(exc)}


def _body_digest(payload) -> str:
    """The request's fingerprint for idempotency: a batch row's own key is not part of it."""
    text = json.dumps(payload.model_dump(mode="json", exclude={"key"}), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class BoundedPagination(PageNumberPagination):
    """Page numbers with an upper bound: a huge page would overflow the database's OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)


@router.post("", response={201: RegistrationOut, **ERRORS}, summary="Register a household")
def create_registration(request, payload: RegistrationIn,
                        idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=120)):
    """Create a registration (channel `api`). With an Idempotency-Key, a repeat returns the first answer."""
    return Reply(*create_once(request, payload, idempotency_key))


def create_once(request, payload: RegistrationIn, idempotency_key: str | None) -> tuple[int, dict]:
    """Create one registration in its own transaction; return (status, body). The batch endpoint's row too.

    With a key, the answer to a create is stored and a repeat of the same body gets it again (no second
    registration); the same key with another body gets 422. Refusals are not stored: a repeat is checked again.
    """
    digest = _body_digest(payload)
    if idempotency_key:
        seen = IdempotencyKey.objects.filter(user=request.user, key=idempotency_key).first()
        if seen is not None:
            if seen.request_sha256 != digest:
                return 422, {"detail": _("This Idempotency-Key was used with a different request body.")}
            return seen.status_code, seen.response
    data = payload.model_dump(exclude={"confirm_duplicates", "key"})
    data["members"] = [m.model_dump() for m in payload.members]
    try:
        with transaction.atomic():
            clean = check_registration(request.user, data, channel=Channel.API)
            registration = do_create_registration(request.user, clean, confirm_duplicates=payload.confirm_duplicates)
            body = json.loads(RegistrationOut(**as_json(registration, clean.warnings)).model_dump_json())
            if idempotency_key:
                IdempotencyKey.objects.create(user=request.user, key=idempotency_key, request_sha256=digest,
                                              status_code=201, response=body)
    except (ValidationFailed, DuplicateSuspected, PermissionDenied, GuardLimited) as exc:
        if isinstance(exc, DuplicateSuspected):
            log_outside(request, exc.outside)
        return _problem(exc)
    except IntegrityError:  # the same key arrived twice at once: answer as the first one did
        seen = IdempotencyKey.objects.filter(user=request.user, key=idempotency_key).first()
        if seen is None or seen.request_sha256 != digest:
            raise
        return seen.status_code, seen.response
    return 201, body


@router.get("", response={200: list[RegistrationRow], 400: Problem, 401: Problem, 403: Problem, 422: Problem,
                          429: Problem},
            summary="List registrations in your area")
@paginate(BoundedPagination, page_size=50)
def list_registrations(request, status: Status | None = None, region_code: str | None = None):
    """List registrations in the caller's scope, newest first; filter by status or region-code prefix."""
    queryset = registrations_for(request.user)
    if status:
        queryset = queryset.filter(status=status)
    if region_code:
        queryset = queryset.filter(region__pk__startswith=region_code)
    return queryset


@router.get("/{number}", response={200: RegistrationOut, **ERRORS}, summary="Read a registration")
def read_registration(request, number: str):
    registration = get_registration_for_user(request.user, number)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, registration, fields="api")
    return Reply(200, as_json(registration))


@router.patch("/{number}", response={200: RegistrationOut, **ERRORS}, summary="Correct a registration")
def correct_registration(request, number: str, payload: RegistrationPatch):
    """Change the given fields if `version` is current (409 otherwise); only while submitted."""
    registration = get_registration_for_user(request.user, number)
    data = as_json(registration)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "reason"})
    data.update(changes)
    if payload.members is not None:
        data["members"] = [m.model_dump() for m in payload.members]
    try:
        clean = check_registration(request.user, data, channel=registration.channel,
                                   period=registration.update_period, musdes=registration.musdes)
        do_correct_registration(request.user, registration, clean, version=payload.version, reason=payload.reason)
    except (ValidationFailed, PermissionDenied, VersionConflict, flows.TransitionError) as exc:
        return Reply(*_problem(exc))
    return Reply(200, as_json(registration, clean.warnings))


@router.post("/{number}/withdraw", response={200: RegistrationOut, **ERRORS}, summary="Withdraw a registration")
def withdraw_registration(request, number: str, payload: WithdrawIn):
    registration = get_registration_for_user(request.user, number)
    try:
        do_withdraw_registration(request.user, registration, version=payload.version, reason=payload.reason)
    except (ValidationFailed, PermissionDenied, VersionConflict, flows.TransitionError) as exc:
        return Reply(*_problem(exc))
    return Reply(200, as_json(registration))
