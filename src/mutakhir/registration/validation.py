"""Validate a registration's data (the same rules for the form, the API and the import).

Input is a plain dict: household fields (`HOUSEHOLD_FIELDS`), `region_code`, `consent`,
`id_document_seen`, visit fields, and `members`, a list of dicts (`MEMBER_FIELDS`). Problems are
keyed by field path (`region_code`, `members.0.nik`); errors block saving, warnings are shown.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.kk import parse_kk
from mutakhir.core.nik import compare_nik, parse_nik
from mutakhir.regions.models import Region
from mutakhir.registry import codes
from mutakhir.registry.models import UpdatePeriod

from .models import HOUSEHOLD_CODE_FIELDS, HOUSEHOLD_FLAG_FIELDS, MEMBER_CODE_FIELDS, Channel, IdDocument

HEAD = 1
MAX_MEMBERS = 40
# Angle brackets (markup) and control characters have no place in a name; reject rather than strip silently.
_BAD_NAME = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e]")
_TEXT_LIMITS = {"address": 255, "rt": 5, "rw": 5, "reason_proposed": 2000}
_MEMBER_LIMITS = {"name": 120, "birth_place": 80}


@dataclass
class Problems:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def error(self, path: str, message) -> None:
        self.errors.setdefault(path, []).append(str(message))

    def warning(self, path: str, message) -> None:
        self.warnings.setdefault(path, []).append(str(message))


class ValidationFailed(Exception):
    """The data has errors; `problems` tells which field has which."""

    def __init__(self, problems: Problems):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in problems.errors.items()))
        self.problems = problems


def name_problem(name: str) -> str | None:
    """Return why a person's name is refused, or None."""
    if not name.strip():
        return _("Required value missing.")
    if _BAD_NAME.search(name):
        return _("Names may not contain angle brackets (< >) or control characters.")
    return None


def nik_problems(nik: str, problems: Problems, path: str, *, sex=None, birth_date=None, kk=None) -> None:
    """Put a NIK's structure errors and its disagreements with the member's record at `path`."""
    result = parse_nik(nik)
    for code in result.errors:
        problems.error(path, code.message)
    if result.valid:
        for code in compare_nik(result, sex=sex, birth_date=birth_date, kk=kk):
            problems.warning(path, code.message)


def kk_problems(kk: str, problems: Problems, path: str) -> None:
    result = parse_kk(kk)
    for code in result.errors:
        problems.error(path, code.message)
    for code in result.warnings:
        problems.warning(path, code.message)


def _text(data, name, limit, problems, path=None):
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if len(value) > limit:
        problems.error(path or name, _("Longer than %(max)s characters.") % {"max": limit})
    return value


def _coded(data, name, problems, path):
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    if value not in codes.BY_FIELD[name].values:
        problems.error(path, _("Not a code of this list."))
        return None
    return value


def _date(data, name, problems, path):
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            problems.error(path, _("Not a date in YYYY-MM-DD form."))
            return None
    if value > timezone.localdate():
        problems.error(path, _("The date lies in the future."))
        return None
    return value


def _decimal(data, name, problems, low, high):
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        problems.error(name, _("Not a number (use a dot for decimals, e.g. 36.5)."))
        return None
    if not value.is_finite() or not low <= value <= high:
        problems.error(name, _("Out of range: from %(low)s to %(high)s.") % {"low": low, "high": high})
        return None
    return value


def clean_members(members, problems: Problems) -> list[dict]:
    """Validate the member list: names, codes, dates, NIK/KK, exactly one head, no repeated NIK."""
    if not members:
        problems.error("members", _("Add at least one member: the household head."))
        return []
    if len(members) > MAX_MEMBERS:
        problems.error("members", _("At most %(max)s members.") % {"max": MAX_MEMBERS})
        return []
    cleaned, seen = [], {}
    for i, raw in enumerate(members):
        path = f"members.{i}."
        m = {"name": _text(raw, "name", 120, problems, path + "name")}
        if why := name_problem(m["name"]):
            problems.error(path + "name", why)
        m["birth_place"] = _text(raw, "birth_place", 80, problems, path + "birth_place")
        for name in MEMBER_CODE_FIELDS:
            m[name] = _coded(raw, name, problems, path + name)
        m["birth_date"] = _date(raw, "birth_date", problems, path + "birth_date")
        m["kk"] = _text(raw, "kk", 16, problems, path + "kk")
        if m["kk"]:
            kk_problems(m["kk"], problems, path + "kk")
        m["nik"] = _text(raw, "nik", 16, problems, path + "nik")
        if m["nik"]:
            nik_problems(m["nik"], problems, path + "nik", sex=m["sex"], birth_date=m["birth_date"], kk=m["kk"])
            if m["nik"] in seen:
                problems.error(path + "nik", _("The same NIK is given for member %(n)s.") % {"n": seen[m["nik"]] + 1})
            seen.setdefault(m["nik"], i)
        if raw.get("relation") in (None, ""):
            problems.error(path + "relation", _("Required value missing."))
        m["source_key"] = str(raw.get("source_key") or "")[:40]
        cleaned.append(m)
    heads = sum(1 for m in cleaned if m["relation"] == HEAD)
    if heads == 0 and not any(k.endswith(".relation") for k in problems.errors):
        problems.error("members", _("The household has no head: give one member the relation “Head” (1)."))
    elif heads > 1:
        problems.error("members", _("The household has %(n)s heads: exactly one member must be the head.")
                       % {"n": heads})
    return cleaned


def clean_household(data: dict, problems: Problems, *, channel: str) -> dict:
    """Validate household, consent, document and visit fields; return the typed values."""
    h = {name: _text(data, name, limit, problems) for name, limit in _TEXT_LIMITS.items()}
    h["floor_area_m2"] = _decimal(data, "floor_area_m2", problems, Decimal(0), Decimal("999999.99"))
    for name in HOUSEHOLD_CODE_FIELDS:
        h[name] = _coded(data, name, problems, name)
    for name in HOUSEHOLD_FLAG_FIELDS:
        value = data.get(name)
        h[name] = None if value in (None, "") else value in (True, 1, "1", "true", "on")
    livestock = data.get("livestock")
    h["livestock"] = None
    if livestock not in (None, ""):
        try:
            h["livestock"] = int(livestock)
            if not 0 <= h["livestock"] <= 100_000:
                raise ValueError
        except (TypeError, ValueError):
            problems.error("livestock", _("Not a whole number from 0 to 100000."))
    h["consent"] = bool(data.get("consent"))
    if channel != Channel.IMPORT and not h["consent"]:
        problems.error("consent", _("The applicant's consent to data processing is required."))
    h["id_document_seen"] = data.get("id_document_seen") or ""
    if h["id_document_seen"] not in ("", *IdDocument.values):
        problems.error("id_document_seen", _("Not a code of this list."))
    if channel == Channel.ACTIVE and not h["id_document_seen"]:
        problems.error("id_document_seen", _("Record which identity document the applicant showed."))
    h["visit_date"] = _date(data, "visit_date", problems, "visit_date")
    h["visit_lat"] = _decimal(data, "visit_lat", problems, Decimal(-90), Decimal(90))
    h["visit_lon"] = _decimal(data, "visit_lon", problems, Decimal(-180), Decimal(180))
    if (h["visit_lat"] is None) != (h["visit_lon"] is None) and not problems.errors.get("visit_lat"):
        problems.error("visit_lat", _("Give both latitude and longitude, or neither."))
    if channel == Channel.PASSIVE and h["visit_date"] is None and "visit_date" not in problems.errors:
        problems.error("visit_date", _("Required value missing."))
    return h


def clean_region(code, period: UpdatePeriod | None, problems: Problems, *, user) -> Region | None:
    """Return the village for a code: known, inside the period's district and the user's scope."""
    code = str(code or "").replace(".", "").strip()
    region = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first() if code else None
    if region is None:
        problems.error("region_code", _("Unknown village code."))
        return None
    prefix = getattr(user, "scope_prefix", None)
    if prefix is None or not code.startswith(prefix):
        problems.error("region_code", _("The village lies outside your area."))
    if period is not None and not code.startswith(period.region_id):
        problems.error("region_code", _("The village lies outside the update period's district."))
    return region


def open_period_for(region_code: str) -> UpdatePeriod | None:
    """Return the open update period of the village's district, the latest first."""
    return (UpdatePeriod.objects.filter(region_id=region_code[:4], status=UpdatePeriod.Status.OPEN)
            .order_by("-starts_on", "-pk").first())
