"""Check a model file's contents field by field; every error names the field."""

import math

from django.utils.translation import gettext as _

from mutakhir.ranking.model import (
    FORMAT,
    IMPUTATION_RULE,
    POOLED,
    VERSION,
    ModelError,
    PmtModel,
    RegionModel,
    Variable,
)


def _fail(path: str, problem: str):
    raise ModelError(_("Model file field %(field)s: %(problem)s") % {"field": path, "problem": problem})


def _get(obj: dict, key: str, path: str, kind, required: bool = True, default=None):
    if key not in obj:
        if required:
            _fail(f"{path}.{key}" if path else key, _("missing"))
        return default
    value = obj[key]
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind) or (value is None and not required)
    if not ok:
        expected = {float: _("a finite number"), int: _("an integer"), str: _("a text"),
                    list: _("a list"), dict: _("an object")}[kind]
        _fail(f"{path}.{key}" if path else key, _("expected %(expected)s, got %(got)r") % {
            "expected": expected, "got": value})
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
    if data.get("version") != VERSION:
        _fail("version", _("this program reads version %(version)s") % {"version": VERSION})
    target = _get(data, "target", "", str)
    region_column = _get(data, "region_column", "", str, required=False)
    variables = [_variable(item, f"variables[{i}]") for i, item in enumerate(_get(data, "variables", "", list))]
    names = [v.name for v in variables]
    for i, name in enumerate(names):
        if name in names[:i]:
            _fail(f"variables[{i}].name", _("%(value)r appears twice") % {"value": name})
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
    return model


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
