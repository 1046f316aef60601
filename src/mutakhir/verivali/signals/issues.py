"""Import problems of an extract row: made while reading, rendered in the reader's language."""

from django.utils.translation import gettext as _

from mutakhir.core.nik import Code as NikCode
from mutakhir.registry.display import mask_id
from mutakhir.verivali.models import SignalIssue

from .layouts import BadValue

Code = SignalIssue.Code
VALUE_SHOWN = 40  # characters of a bad value kept for the message


def bad_key(row: int, field: str, codes: list[NikCode]) -> SignalIssue:
    return SignalIssue(row=row, field=field, code=Code.BAD_NIK if field == "nik" else Code.BAD_KK,
                       detail={"codes": [str(c) for c in codes]})


def bad_value(row: int, field: str, value: str, problem: BadValue) -> SignalIssue:
    return SignalIssue(row=row, field=field, code=Code.BAD_VALUE,
                       detail={"value": value[:VALUE_SHOWN], "expected": problem.expected, "params": problem.params})


def issue(row: int, field: str, code: str, **detail) -> SignalIssue:
    return SignalIssue(row=row, field=field, code=code, detail=detail)


def describe(problem: SignalIssue) -> str:
    """Return the message of a problem: which row, which field, why."""
    d, where = problem.detail, {"row": problem.row, "field": problem.field}
    if problem.code in (Code.BAD_NIK, Code.BAD_KK):
        why = " ".join(str(NikCode(c).message) for c in d.get("codes", []))
        return _("Row %(row)s, field %(field)s: %(why)s") % {**where, "why": why}
    if problem.code == Code.BAD_VALUE:
        expected = _(d["expected"]) % d.get("params", {})
        return _("Row %(row)s, field %(field)s: “%(value)s” is not valid; it must be %(expected)s.") % {
            **where, "value": d.get("value", ""), "expected": expected}
    if problem.code == Code.MISSING_KEY:
        return _("Row %(row)s: no NIK and no KK number; give at least one.") % where
    if problem.code == Code.DUPLICATE:
        return _("Row %(row)s, field %(field)s: %(key)s appears in rows %(rows)s of this extract; none of these "
                 "rows is applied.") % {**where, "key": mask_id(d.get("key", "")),
                                        "rows": ", ".join(str(r) for r in d.get("rows", []))}
    if problem.code == Code.OUTSIDE_REGION:
        return _("Row %(row)s, field %(field)s: the registry places this person in %(region)s, outside your "
                 "region; not applied.") % {**where, "region": d.get("region", "")}
    return _("Row %(row)s, field %(field)s: this KK is in %(n)s registry households; not applied (give the "
             "NIK).") % {**where, "n": d.get("households", "?")}
