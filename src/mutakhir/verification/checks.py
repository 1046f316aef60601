"""Evaluate the questionnaire on answers: parse raw values, skip logic, required items, codes, rules.

Answers are JSON-native: {"household": {name: value}, "members": [{name: value, "status": ...}]} with
codes as int, numbers as float, flags as bool and dates as ISO text. The same checks serve the web
form and imported ODK/Kobo submissions.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .questionnaire import BY_NAME, HOUSEHOLD_ITEMS, MEMBER_ITEMS, RULE_PARAMS, AgeBetween, Item, When

ACTIVE_MEMBER = ("present", "new")  # statuses of members who stay in the household verified
CHECKED_OUTCOMES = ("verified", "split", "merged")  # outcomes whose answers describe a household


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    field: str = ""
    member: int | None = None  # 0-based index in answers["members"]

    def __str__(self):
        where = _("Member %(n)s") % {"n": self.member + 1} + ", " if self.member is not None else ""
        item = BY_NAME.get(("member" if self.member is not None else "household", self.field))
        label = str(item.label) if item else self.field
        return f"{where}{label}: {self.message}" if label else f"{where}{self.message}"


class BadValue(ValueError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def parse(item: Item, raw):
    """Return the JSON-native value of a raw answer (text, number...), None when empty; raise BadValue."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, list | dict):  # an ODK/Kobo export can carry anything
        raise BadValue("not_a_value", _("A list or group where one answer is expected."))
    text = str(raw).strip()
    if item.kind in ("code", "count"):
        try:
            value = int(float(text))
        except (ValueError, OverflowError):  # "abc", "nan"; "inf", "1e999"
            raise BadValue("not_a_number", _("Not a whole number.")) from None
        if item.kind == "code" and value not in item.code_list.values:
            raise BadValue("unknown_code", _("Unknown code %(code)s.") % {"code": value})
        if value < 0:
            raise BadValue("negative", _("Cannot be negative."))
        return value
    if item.kind == "number":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise BadValue("not_a_number", _("Not a number.")) from None
        if not math.isfinite(value):  # "nan", "inf", "1e999": not numbers the questionnaire asks, nor JSON
            raise BadValue("not_a_number", _("Not a number."))
        return value
    if item.kind == "flag":
        if text.lower() in ("1", "true", "yes", "ya"):
            return True
        if text.lower() in ("0", "2", "false", "no", "tidak"):
            return False
        raise BadValue("not_a_flag", _("Not yes or no."))
    if item.kind == "date":
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise BadValue("not_a_date", _("Not a date (YYYY-MM-DD).")) from None
    if item.kind in ("nik", "kk") and (not text.isdigit() or len(text) != 16):
        raise BadValue("bad_id", _("Must be 16 digits."))
    return text


def age_on(birth: str | None, today: dt.date) -> int | None:
    if not birth:
        return None
    born = dt.date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_relevant(item: Item, values: dict, today: dt.date) -> bool:
    """Return whether the skip logic asks `item`, given the other answers of its section."""
    for cond in item.relevant:
        if isinstance(cond, When) and values.get(cond.field) not in cond.values:
            return False
        if isinstance(cond, AgeBetween):
            age = age_on(values.get("birth_date"), today)
            if age is None or not cond.low <= age <= cond.high:
                return False
    return True


def _check_items(items, values: dict, today, member=None) -> list[Issue]:
    issues = []
    for item in items:
        value = values.get(item.name)
        if not is_relevant(item, values, today):
            continue
        if value is None:
            if item.required:
                issues.append(Issue("required", _("This answer is required."), item.name, member))
            continue
        if item.kind == "code" and value not in item.code_list.values:
            issues.append(Issue("unknown_code", _("Unknown code %(code)s.") % {"code": value}, item.name, member))
        if item.min_value is not None and value <= item.min_value:
            issues.append(Issue("floor_area", _("Must be more than %(min)s.") % {"min": item.min_value},
                                item.name, member))
        if item.kind == "date" and value > today.isoformat():
            issues.append(Issue("future_birth", _("A birth date cannot be in the future."), item.name, member))
    return issues


def check_answers(answers: dict, outcome: str, today: dt.date | None = None) -> list[Issue]:
    """Return every issue of a verification's answers (empty when they may be submitted)."""
    today = today or dt.date.today()
    if outcome not in CHECKED_OUTCOMES:
        return []
    issues = _check_items(HOUSEHOLD_ITEMS, answers.get("household", {}), today)
    members = answers.get("members", [])
    active = [(i, m) for i, m in enumerate(members) if m.get("status", "present") in ACTIVE_MEMBER]
    for i, m in enumerate(members):
        issues += _check_items(MEMBER_ITEMS, m, today, i)
    if outcome == "merged":
        return issues
    heads = [(i, m) for i, m in active if m.get("relation") == 1]
    if len(heads) != 1:
        issues.append(Issue("one_head", _("A household has exactly one head (relation 1); found %(n)s.")
                            % {"n": len(heads)}, "relation"))
    head_birth = heads[0][1].get("birth_date") if len(heads) == 1 else None
    for i, m in active:
        age = age_on(m.get("birth_date"), today) if m.get("birth_date", "") <= today.isoformat() else None
        if head_birth and m.get("relation") in RULE_PARAMS["child_relations"] and m.get("birth_date") \
                and m["birth_date"] < head_birth:
            issues.append(Issue("child_older_than_head", _("A child or grandchild cannot be older than the head."),
                                "birth_date", i))
        if m.get("relation") == 2 and age is not None and age < RULE_PARAMS["min_spouse_age"]:
            issues.append(Issue("spouse_too_young", _("A spouse must be at least 10 years old."), "birth_date", i))
        if m.get("relation") == 1 and age is not None and age < RULE_PARAMS["min_head_age"]:
            issues.append(Issue("head_too_young", _("A head must be at least 10 years old."), "birth_date", i))
    return issues
