"""Family card (Kartu Keluarga, KK) numbers: parse and validate.

A KK number has 16 digits. As described in Dukcapil's guidance (SIAK numbering rules, quoted by
district civil-registry offices; the regulation text itself is not easily found), it combines:

- digits 1–6: the province, regency/city and sub-district code where the KK was issued;
- digits 7–12: the date the family was recorded (DDMMYY), with no +40 (a family has no sex);
- digits 13–16: the family's serial number.

Only the 16 digits and the region prefix are errors. The date and serial rules are less firmly
published, and old cards issued before SIAK may not follow them, so a date that is not a date, or a
0000 serial, is a warning: the number is still `valid`. The year is read like a NIK's: 20YY unless
that is after today, then 19YY.
"""

from dataclasses import dataclass
from datetime import date

from .nik import LENGTH, WOMAN_DAY_OFFSET, Code, is_digits, past_date, region_errors, shape_errors


@dataclass(frozen=True, slots=True)
class KkResult:
    """A parsed KK number; fields are None where the part cannot be read."""

    kk: str
    errors: tuple[Code, ...] = ()
    warnings: tuple[Code, ...] = ()
    region_code: str | None = None  # 6-digit sub-district code of issue, no dots
    issue_date: date | None = None
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"kk": self.kk, "valid": self.valid, "errors": [str(c) for c in self.errors],
                "warnings": [str(c) for c in self.warnings], "region_code": self.region_code,
                "issue_date": self.issue_date.isoformat() if self.issue_date else None}


def parse_kk(value: str, *, today: date | None = None) -> KkResult:
    """Parse a KK number and return every problem found (errors and warnings)."""
    errors = shape_errors(value)
    if len(value) != LENGTH:
        return KkResult(value, tuple(errors))
    region, ddmmyy, serial = value[:6], value[6:12], value[12:]
    warnings = []
    region_code = issue_date = None
    if is_digits(region):
        region_code = region
        errors += region_errors(region)
    if is_digits(ddmmyy):
        today = today or date.today()
        day, month, yy = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
        issue_date = past_date(day, month, yy, today)
        if issue_date is None:
            warnings.append(Code.INVALID_ISSUE_DATE)
            if past_date(day - WOMAN_DAY_OFFSET, month, yy, today):
                warnings.append(Code.LOOKS_LIKE_NIK)
    if serial == "0000":
        warnings.append(Code.ZERO_SERIAL)
    return KkResult(value, tuple(errors), tuple(warnings), region_code=region_code, issue_date=issue_date,
                    serial=serial if is_digits(serial) else None)


def is_valid_kk(value: str, *, today: date | None = None) -> bool:
    return parse_kk(value, today=today).valid
