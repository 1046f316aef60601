"""Check a model file's contents field by field; every error names the field."""

import math
import reprlib

from django.utils.translation import gettext as _

from mutakhir.ranking.model import (
    AREA_METHOD,
    AREA_TERM,
    FORMAT,
    IMPUTATION_RULE,
    POOLED,
    READABLE_VERSIONS,
    VERSION,
    AreaEffects,
    AreaOffset,
    ModelError,
    PmtModel,
    RegionModel,
    Variable,
)

# An area's offset must equal gamma * mean_residual up to the rounding of the three numbers in the file.
AREA_TOLERANCE = 1e-5


def _fail(path: str, problem: str):
    raise ModelError(_("Model file field %(field)s: %(problem)s") % {"field": path, "problem": problem})


def _finite(value: int | float) -> bool:
    """Return True for a number a float can hold: an integer of 400 digits overflows math.isfinite()."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _get(obj: dict, key: str, path: str, kind, required: bool = True, default=None):
    if key not in obj:
        if required:
            _fail(f"{path}.{key}" if path else key, _("missing"))
        return default
    value = obj[key]
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind) or (value is None and not required)
    if not ok:
        expected = {float: _("a finite number"), int: _("an integer"), str: _("a text"),
                    list: _("a list"), dict: _("an object")}[kind]
        _fail(f"{path}.{key}" if path else key, _("expected %(expected)s, got %(got)r") % {
            "expected": expected, "got": reprlib.repr(value)})
    return value


def _variable(item, path: str) -> Variable:
    if not isinstance(item, dict):
        _fail(path, _("expected an object"))
    name = _get(item, "name", path, str)
    kind = _get(item, "kind", path, str)
    if kind == "numeric":
        transform = _get(item, "transform", path, str, required=False, default="none")
        if transform not in ("none", "log"):
            _fail(f"{path}.transform", _("must be none or log, not %(value)r") % {"value": transform})
        offset = float(_get(item, "offset", path, float, required=False, default=0.0))
        fill = float(_get(item, "fill", path, float))
        if transform == "log" and fill + offset <= 0:
            _fail(f"{path}.fill", _("fill + offset must be positive for a log"))
        return Variable(name, kind, transform=transform, offset=offset, fill=fill)
    if kind == "categorical":
        levels = _get(item, "levels", path, list)
        if not levels or not all(isinstance(level, str) and level for level in levels):
            _fail(f"{path}.levels", _("expected a non-empty list of texts"))
        if len(set(levels)) != len(levels):
            _fail(f"{path}.levels", _("levels repeat"))
        base = _get(item, "base", path, str)
        if base not in levels:
            _fail(f"{path}.base", _("%(value)r is not one of the levels") % {"value": base})
        return Variable(name, kind, levels=levels, base=base)
    _fail(f"{path}.kind", _("must be numeric or categorical, not %(value)r") % {"value": kind})


def _region_model(item, path: str, features: list[str]) -> RegionModel:
    if not isinstance(item, dict):
        _fail(path, _("expected an object"))
    region = _get(item, "region", path, str)
    level = _get(item, "level", path, str, required=False, default="region")
    if level not in ("pooled", "province", "region"):
        _fail(f"{path}.level", _("must be pooled, province or region, not %(value)r") % {"value": level})
    model = RegionModel(region=region, level=level, n=_get(item, "n", path, int, required=False, default=0),
                        parent=_get(item, "parent", path, str, required=False),
                        uses=_get(item, "uses", path, str, required=False),
                        reason=_get(item, "reason", path, str, required=False, default=""),
                        stats=_get(item, "stats", path, dict, required=False, default={}))
    if model.uses is not None:
        return model
    model.intercept = float(_get(item, "intercept", path, float))
    coefficients = _get(item, "coefficients", path, dict)
    for name in features:
        _get(coefficients, name, f"{path}.coefficients", float)
    extra = sorted(set(coefficients) - set(features))
    if extra:
        _fail(f"{path}.coefficients.{extra[0]}", _("not a feature of the model's variables"))
    model.coefficients = {name: float(coefficients[name]) for name in features}
    return model


def validate_model(data) -> PmtModel:
    """Return the PmtModel that `data` (parsed JSON) describes, or raise ModelError naming the field."""
    if not isinstance(data, dict):
        _fail("(top)", _("expected an object"))
    if data.get("format") != FORMAT:
        _fail("format", _("expected %(expected)r") % {"expected": FORMAT})
    if data.get("version") not in READABLE_VERSIONS:
        _fail("version", _("this program reads version %(version)s") % {
            "version": " / ".join(str(v) for v in READABLE_VERSIONS)})
    if data.get("version") != VERSION and "areas" in data:
        _fail("areas", _("area effects need version %(version)s") % {"version": VERSION})
    target = _get(data, "target", "", str)
    region_column = _get(data, "region_column", "", str, required=False)
    variables = [_variable(item, f"variables[{i}]") for i, item in enumerate(_get(data, "variables", "", list))]
    names = [v.name for v in variables]
    for i, name in enumerate(names):
        if name in names[:i]:
            _fail(f"variables[{i}].name", _("%(value)r appears twice") % {"value": name})
    if "areas" in data and AREA_TERM in names:
        _fail(f"variables[{names.index(AREA_TERM)}].name", _("%(value)r is the name of the area term") % {
            "value": AREA_TERM})
    interactions = []
    for i, item in enumerate(_get(data, "interactions", "", list, required=False, default=[])):
        pair = _get(item, "of", f"interactions[{i}]", list) if isinstance(item, dict) else None
        if not pair or len(pair) != 2:
            _fail(f"interactions[{i}].of", _("expected two variable names"))
        for name in pair:
            if name not in names or variables[names.index(name)].kind != "numeric":
                _fail(f"interactions[{i}].of", _("%(value)r is not a numeric variable") % {"value": name})
        interactions.append(list(pair))
    model = PmtModel(target=target, variables=variables, models=[], region_column=region_column,
                     interactions=interactions,
                     survey=_get(data, "survey", "", dict, required=False, default={}),
                     validation=_get(data, "validation", "", dict, required=False, default={}),
                     imputation=_get(data, "imputation", "", str, required=False, default=IMPUTATION_RULE))
    features = model.features()
    raw = _get(data, "models", "", list)
    model.models = [_region_model(item, f"models[{i}]", features) for i, item in enumerate(raw)]
    _check_links(model)
    if "areas" in data:
        model.areas = _areas(data["areas"])
    return model


def _areas(block) -> AreaEffects:
    """Return the area effects block: unique area codes of `digits` characters, offsets = gamma * mean residual."""
    if not isinstance(block, dict):
        _fail("areas", _("expected an object"))
    digits = _get(block, "digits", "areas", int) if block.get("digits") is not None else None
    if digits is not None and digits < 1:
        _fail("areas.digits", _("must be at least 1, not %(value)r") % {"value": digits})
    between = float(_get(block, "between", "areas", float))
    within = float(_get(block, "within", "areas", float))
    for key, value in (("between", between), ("within", within)):
        if value < 0:
            _fail(f"areas.{key}", _("a variance cannot be negative"))
    raw = _get(block, "offsets", "areas", list)
    if not raw:
        _fail("areas.offsets", _("expected a non-empty list"))
    offsets, seen = [], set()
    for i, item in enumerate(raw):
        path = f"areas.offsets[{i}]"
        if not isinstance(item, dict):
            _fail(path, _("expected an object"))
        area = _get(item, "area", path, str)
        if not area or area != area.strip() or "." in area:
            _fail(f"{path}.area", _("%(value)r is not an area code (no spaces, no dots)") % {"value": area})
        if digits is not None and len(area) != digits:
            _fail(f"{path}.area", _("%(value)r does not have %(digits)s characters (areas.digits)") % {
                "value": area, "digits": digits})
        if area in seen:
            _fail(f"{path}.area", _("%(value)r appears twice") % {"value": area})
        seen.add(area)
        entry = AreaOffset(area=area, offset=float(_get(item, "offset", path, float)),
                           n=_get(item, "n", path, int), mean_residual=float(_get(item, "mean_residual", path, float)),
                           gamma=float(_get(item, "gamma", path, float)))
        if entry.n < 1:
            _fail(f"{path}.n", _("an area in the file has at least 1 survey household"))
        if not 0 <= entry.gamma <= 1:
            _fail(f"{path}.gamma", _("must lie between 0 and 1, not %(value)r") % {"value": entry.gamma})
        if abs(entry.offset - entry.gamma * entry.mean_residual) > AREA_TOLERANCE:
            _fail(f"{path}.offset", _("%(offset)r is not gamma * mean_residual (%(expected).6f)") % {
                "offset": entry.offset, "expected": entry.gamma * entry.mean_residual})
        offsets.append(entry)
    return AreaEffects(digits=digits, offsets=offsets, column=_get(block, "column", "areas", str, required=False),
                       between=between, within=within,
                       method=_get(block, "method", "areas", str, required=False, default=AREA_METHOD))


def _check_links(model: PmtModel) -> None:
    regions = [m.region for m in model.models]
    for i, region in enumerate(regions):
        if region in regions[:i]:
            _fail(f"models[{i}].region", _("%(value)r appears twice") % {"value": region})
    if POOLED not in regions or not model.model(POOLED).fitted:
        _fail("models", _("a fitted pooled model (region \"*\") is required"))
    fitted = {m.region for m in model.models if m.fitted}
    for i, m in enumerate(model.models):
        if m.uses is not None and m.uses not in fitted:
            _fail(f"models[{i}].uses", _("%(value)r is not a fitted model in this file") % {"value": m.uses})
        if m.parent is not None and m.parent not in fitted:
            _fail(f"models[{i}].parent", _("%(value)r is not a fitted model in this file") % {"value": m.parent})
    for i, v in enumerate(model.variables):
        if v.kind == "categorical" and any(level.strip() != level for level in v.levels):
            _fail(f"variables[{i}].levels", _("levels must not start or end with spaces"))
