"""The PMT model file: versioned, human-readable JSON, validated field by field on loading.

Layout (version 2; version 1 is the same without "areas")::

    {"format": "mutakhir-pmt", "version": 1, "target": "log_consumption_pc",
     "region_column": "region",           # null for one national model
     "variables": [                        # the inputs, in order
       {"name": "floor_area_m2", "kind": "numeric", "transform": "log", "offset": 0.0, "fill": 36.2},
       {"name": "floor_material", "kind": "categorical", "levels": ["1", "2", "8"], "base": "2"}],
     "interactions": [{"of": ["urban", "floor_area_m2"]}],   # product of the transformed values
     "models": [                           # level: pooled, province (first 2 digits) or region (survey's)
       {"region": "*", "level": "pooled", "n": 50000, "intercept": 6.1, "coefficients": {"floor_area_m2": 0.21}},
       {"region": "19", "level": "province", "parent": "*", "n": 9000, "intercept": ..., "coefficients": {...}},
       {"region": "1901", "parent": "19", "n": 4100, "intercept": ..., "coefficients": {...}, "stats": {...}},
       {"region": "1907", "uses": "19", "n": 12, "reason": "12 observations, fewer than the 30 needed ..."}],
     "areas": {                            # optional: small-area random effects (empirical Bayes)
       "column": "region_code", "digits": 6, "between": 0.0075, "within": 0.0889, "method": "...",
       "offsets": [{"area": "190101", "n": 312, "mean_residual": 0.0512, "gamma": 0.9645, "offset": 0.049383}]},
     "survey": {...}, "validation": {...}, "imputation": "..."}

The area term: a household's area is the first `digits` characters of its region code (a village code's
first 6 digits are its sub-district); its score adds that area's `offset`, 0 for an area the survey missed.

Coefficient names: a numeric variable's name (applied to its transformed value), `name=level` for each
categorical level but the base, `a*b` for an interaction. A fitted model has exactly these names.
"""

import json
import math
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.core import jsoninput

FORMAT = "mutakhir-pmt"
VERSION = 2
READABLE_VERSIONS = (1, 2)
AREA_ORDER = ("column", "digits", "between", "within", "method", "offsets")
AREA_TERM = "area_effect"  # the area term's name in a score breakdown
AREA_FLAG = "unseen:area"  # a household whose area has no offset in the file (the term is 0)
AREA_METHOD = (
    "Empirical Bayes random area effects from the survey's residuals under the regional models: "
    "offset = gamma * mean_residual, gamma = between / (between + within / n); the variance components "
    "between (of the true area effects) and within (of households around their area mean) are estimated by "
    "the method of moments (one-way analysis of variance, unbalanced). A small area's mean residual is noisy, "
    "so it is shrunk toward 0; an area absent from the survey gets 0 and its households are flagged unseen:area."
)
POOLED = "*"
IMPUTATION_RULE = (
    "A missing or unreadable numeric value is replaced by the value whose transform equals the "
    "survey-weighted mean of the transformed variable (the weighted mean; for a log, the weighted geometric "
    "mean); a log variable at or below -offset counts as missing. A missing categorical answer, or one not "
    "seen in the survey, takes the base category (the survey's weighted mode, contribution zero). Each such "
    "household is flagged missing:NAME or unseen:NAME."
)


class ModelError(ValueError):
    """A model file that is not a valid PMT model; the message names the field."""


@dataclass
class Variable:
    name: str
    kind: str  # "numeric" | "categorical"
    transform: str = "none"  # numeric only: "none" | "log"
    offset: float = 0.0  # log(x + offset)
    fill: float | None = None  # numeric: raw value used when missing
    levels: list[str] = field(default_factory=list)  # categorical only
    base: str | None = None  # categorical: reference and imputed level

    @property
    def numeric_levels(self) -> bool:
        return all(is_number(level) for level in self.levels)

    def features(self) -> list[str]:
        if self.kind == "numeric":
            return [self.name]
        return [f"{self.name}={level}" for level in self.levels if level != self.base]

    def transformed(self, x: float) -> float:
        return math.log(x + self.offset) if self.transform == "log" else x


@dataclass
class RegionModel:
    region: str
    level: str = "region"  # "pooled" | "province" | "region" (a region of the survey)
    n: int = 0
    parent: str | None = None  # fitted model this one was shrunk toward
    uses: str | None = None  # not fitted: the model applied instead
    reason: str = ""
    intercept: float | None = None
    coefficients: dict[str, float] | None = None
    stats: dict = field(default_factory=dict)

    @property
    def fitted(self) -> bool:
        return self.uses is None


@dataclass
class AreaOffset:
    area: str
    n: int = 0  # survey households in the area
    mean_residual: float = 0.0  # their weighted mean of (target - regional model's prediction)
    gamma: float = 0.0  # shrinkage factor
    offset: float = 0.0  # gamma * mean_residual: what the area adds to its households' scores


@dataclass
class AreaEffects:
    """Small-area effects: one score offset per area, estimated by empirical Bayes (see AREA_METHOD)."""

    digits: int | None  # an area is the first `digits` characters of the region code; None: the whole code
    offsets: list[AreaOffset]
    column: str | None = None  # the survey column the areas were read from
    between: float = 0.0  # variance of the area effects
    within: float = 0.0  # residual variance of households within an area
    method: str = AREA_METHOD

    def code(self, region) -> str | None:
        """Return the area code of a household's region code (None without one)."""
        code = normalize_region(region)
        return None if code is None else code[: self.digits] if self.digits else code

    def offset(self, area: str | None) -> float | None:
        """Return the area's offset, None for an area not in the file."""
        return self._lookup.get(area) if area else None

    @cached_property
    def _lookup(self) -> dict[str, float]:
        return {o.area: o.offset for o in self.offsets}


@dataclass
class PmtModel:
    target: str
    variables: list[Variable]
    models: list[RegionModel]
    region_column: str | None = None
    interactions: list[list[str]] = field(default_factory=list)
    survey: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    imputation: str = IMPUTATION_RULE
    areas: AreaEffects | None = None
    format: str = FORMAT
    version: int = VERSION

    def features(self) -> list[str]:
        names = [f for v in self.variables for f in v.features()]
        return names + ["*".join(pair) for pair in self.interactions]

    def variable(self, name: str) -> Variable:
        return next(v for v in self.variables if v.name == name)

    def model(self, region: str) -> RegionModel:
        return next(m for m in self.models if m.region == region)

    def applied(self, region: str) -> RegionModel:
        """Return the fitted model applied to a region listed in the file."""
        model = self.model(region)
        while not model.fitted:
            model = self.model(model.uses)
        return model

    def match(self, code: str | None) -> tuple[RegionModel, bool]:
        """Return the fitted model for a household's region code and whether it is a fallback.

        The longest listed region that prefixes the code wins (a village `1901022001` uses district
        `1901`), else the pooled model; a fallback is any model other than the region's own.
        """
        code = normalize_region(code)
        for entry in self.prefix_order():
            if code and code.startswith(entry.region):
                return self.applied(entry.region), not (entry.fitted and entry.level == "region")
        return self.model(POOLED), bool(self.region_column)

    def prefix_order(self) -> list[RegionModel]:
        """Listed regions, longest first (the order of prefix matching)."""
        return sorted((m for m in self.models if m.region != POOLED), key=lambda m: (-len(m.region), m.region))

    def region_length(self) -> int | None:
        """Length of the survey's region codes when they share one (ranking groups by that prefix)."""
        lengths = {len(m.region) for m in self.models if m.level == "region"}
        return lengths.pop() if len(lengths) == 1 else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["interactions"] = [{"of": pair} for pair in self.interactions]
        data["variables"] = [_compact(v) for v in data["variables"]]
        data["models"] = [_compact(m) for m in data["models"]]
        order = ["format", "version", "target", "region_column", "imputation", "variables", "interactions",
                 "models", "areas", "survey", "validation"]
        if data["areas"] is not None:
            data["areas"] = {key: data["areas"][key] for key in AREA_ORDER}
        return {key: data[key] for key in order if key != "areas" or data[key] is not None}

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path) -> "PmtModel":
        try:
            data = jsoninput.loads(Path(path).read_bytes())
        except jsoninput.JsonInputError as exc:
            raise ModelError(_("Model file is not valid JSON: %(error)s") % {"error": exc}) from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data) -> "PmtModel":
        from mutakhir.ranking.validate import validate_model

        return validate_model(data)


def normalize_region(code) -> str | None:
    """Return a region code trimmed and without dots, None when empty."""
    text = "" if code is None else str(code).strip().replace(".", "")
    return text or None


def _compact(item: dict) -> dict:
    """Drop empty and default fields so the file reads easily."""
    keep = {}
    for key, value in item.items():
        if value in (None, [], {}, "") or (key == "transform" and value == "none"):
            continue
        if key == "offset" and item.get("transform") != "log":
            continue
        keep[key] = value
    return keep


def is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
