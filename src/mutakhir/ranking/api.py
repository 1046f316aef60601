"""Published PMT models over the API: a district installation pulls the national team's model files."""

import json
from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Router, Schema

from mutakhir.core.api import READ_ERRORS
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.schemas import Problem
from mutakhir.registration.tokens import TokenAuth

from . import access, cutpoints

router = Router(auth=TokenAuth(purpose=TokenPurpose.PACKAGES), tags=["packages", "pmt-models"])


class ModelRow(Schema):
    name: str
    version: int
    sha256: str
    note: str
    uploaded_at: datetime


class ModelOut(ModelRow):
    content: dict


def as_json(model, *, content: bool = False) -> dict:
    out = {"name": model.name, "version": model.version, "sha256": model.sha256, "note": model.note,
           "uploaded_at": model.uploaded_at}
    return out | {"content": model.content} if content else out


@router.get("/", response={200: list[ModelRow], **READ_ERRORS}, summary="List published PMT models")
def list_models(request, name: str | None = None):
    """Every published version, by name then newest version first; other roles than those reading rankings get none."""
    models = access.published_models_for(request.user)
    if name:
        models = models.filter(name=name)
    return [as_json(m) for m in models[:500]]


@router.get("/{name}/{version}", response={200: ModelOut, **READ_ERRORS},
            summary="Pull one PMT model file")
def read_model(request, name: str = PathParam(..., max_length=80),
               version: int = PathParam(..., ge=1, le=2**31 - 1)):
    """The model file as published; `sha256` is over its canonical JSON (sorted keys), as the ranking runs record."""
    return as_json(get_object_or_404(access.published_models_for(request.user), name=name, version=version),
                   content=True)


@router.get("/{name}/{version}/cutpoints", response={200: dict, 409: Problem, **READ_ERRORS},
            summary="Pull the national desil cut-points of a PMT model")
def read_cutpoints(request, name: str = PathParam(..., max_length=80),
                   version: int = PathParam(..., ge=1, le=2**31 - 1)):
    """The signed cut-points file of the newest national ranking run of this model version (ranking/cutpoints.py),
    as the run page's download gives it: a district imports it with `mutakhir ranking import-cutpoints` or on the
    ranking page. Thresholds of scores only, no personal data."""
    if not access.can_import_cutpoints(request.user):
        return 403, {"detail": _("Only the national team and district operators pull cut-points.")}
    model = get_object_or_404(access.published_models_for(request.user), name=name, version=version)
    run = (access.runs_for(request.user).filter(pmt_model=model, region_code="").order_by("-created_at", "-pk")
           .first())
    if run is None:
        return 404, {"detail": _("No national ranking run of this model yet.")}
    try:
        return 200, json.loads(cutpoints.publish(run))
    except cutpoints.CutPointsError as exc:
        return 409, {"detail": str(exc)}
