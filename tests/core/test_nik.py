"""NIK parsing: one test per error code, properties over constructed NIKs, warnings against a member."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from lokal.nik import parse_nik as lokal_parse_nik

from mutakhir.core.nik import (
    Code,
    KkHint,
    compare_nik,
    is_valid_nik,
    looks_like_kk,
    official_region_codes,
    parse_nik,
)

TODAY = date(2025, 6, 15)
ERRORS = {Code.NOT_16_DIGITS, Code.NON_DIGIT, Code.UNKNOWN_PROVINCE, Code.UNKNOWN_REGENCY,
          Code.UNKNOWN_SUBDISTRICT, Code.INVALID_BIRTH_DATE, Code.ZERO_SERIAL}
WARNINGS = {Code.SEX_MISMATCH, Code.BIRTH_DATE_MISMATCH, Code.REGION_MISMATCH, Code.LOOKS_LIKE_KK}
SUBDISTRICTS = sorted(c for c in official_region_codes() if len(c) == 6)


def make_nik(region: str, born: date, sex: int, serial: int) -> str:
    day = born.day + (40 if sex == 2 else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def errors(value: str) -> tuple[Code, ...]:
    return parse_nik(value, today=TODAY).errors


def test_it_parses_a_valid_nik():
    result = parse_nik("1901015205880003", today=TODAY)
    assert result.valid and result.errors == ()
    assert (result.region_code, result.birth_date, result.sex, result.serial) == ("190101", date(1988, 5, 12), 2,
                                                                                 "0003")
    assert result.as_dict() == {"nik": "1901015205880003", "valid": True, "errors": [], "region_code": "190101",
                                "birth_date": "1988-05-12", "sex": 2}


@pytest.mark.parametrize(("value", "expected"), [
    ("190101120588000", (Code.NOT_16_DIGITS,)),
    ("19010112058800031", (Code.NOT_16_DIGITS,)),
    ("", (Code.NOT_16_DIGITS,)),
    ("1901011205880O03", (Code.NON_DIGIT,)),  # letter O in the serial
    ("19.01.01.120588.0", (Code.NOT_16_DIGITS, Code.NON_DIGIT)),
    (" 901011205880003", (Code.NON_DIGIT,)),  # region part unreadable: not checked
    ("١٩٠١٠١١٢٠٥٨٨٠٠٠٣", (Code.NON_DIGIT,)),  # Arabic-Indic digits are not NIK digits
    ("9901011205880003", (Code.UNKNOWN_PROVINCE,)),
    ("1999011205880003", (Code.UNKNOWN_REGENCY,)),
    ("1901991205880003", (Code.UNKNOWN_SUBDISTRICT,)),
    ("1901013202880003", (Code.INVALID_BIRTH_DATE,)),  # 32 February
    ("1901017202880003", (Code.INVALID_BIRTH_DATE,)),  # a woman's 32 February
    ("1901010013880003", (Code.INVALID_BIRTH_DATE,)),  # day 00
    ("1901014013880003", (Code.INVALID_BIRTH_DATE,)),  # day 40: a woman's day 00
    ("1901011213880003", (Code.INVALID_BIRTH_DATE,)),  # month 13
    ("1901012902230003", (Code.INVALID_BIRTH_DATE,)),  # 29 February 2023 (and 1923)
    ("1901011205880000", (Code.ZERO_SERIAL,)),
])
def test_it_reports_each_error_code(value, expected):
    assert errors(value) == expected


def test_it_reports_every_problem_not_only_the_first():
    assert errors("9901013213880000") == (Code.UNKNOWN_PROVINCE, Code.INVALID_BIRTH_DATE, Code.ZERO_SERIAL)
    assert errors("1999A13213880000") == (Code.NON_DIGIT, Code.INVALID_BIRTH_DATE, Code.ZERO_SERIAL)


def test_it_reads_the_sex_even_when_the_date_is_invalid():
    result = parse_nik("1901015213880003", today=TODAY)
    assert result.sex == 2 and result.birth_date is None and not result.valid
    assert parse_nik("1901013513880003", today=TODAY).sex is None  # day 35: neither 01-31 nor 41-71


def test_it_never_reads_a_birth_date_in_the_future():
    assert parse_nik("1901011406250003", today=TODAY).birth_date == date(2025, 6, 14)
    assert parse_nik("1901011506250003", today=TODAY).birth_date == date(2025, 6, 15)
    assert parse_nik("1901011606250003", today=TODAY).birth_date == date(1925, 6, 16)
    assert parse_nik("1901010101300003", today=TODAY).birth_date == date(1930, 1, 1)
    assert parse_nik("1901012902000003", today=TODAY).birth_date == date(2000, 2, 29)


def test_it_has_a_translatable_message_for_every_code():
    with translation.override("en"):
        for code in Code:
            assert str(code.message).endswith(".")
        assert str(Code.ZERO_SERIAL.message) == "The last 4 digits (serial number) cannot be 0000."
    assert Code.ZERO_SERIAL == "zero_serial"  # stable machine code, a str


# --- properties -------------------------------------------------------------------------------------

regions = st.sampled_from(SUBDISTRICTS)
# Dates the 2-digit year maps back to: within the 100 years up to TODAY.
birth_dates = st.dates(min_value=date(1925, 6, 16), max_value=TODAY)
sexes = st.sampled_from([1, 2])
serials = st.integers(min_value=1, max_value=9999)


@given(regions, birth_dates, sexes, serials)
def test_a_constructed_nik_is_valid_and_round_trips(region, born, sex, serial):
    nik = make_nik(region, born, sex, serial)
    result = parse_nik(nik, today=TODAY)
    assert result.valid, result.errors
    assert (result.region_code, result.birth_date, result.sex) == (region, born, sex)
    assert result.serial == f"{serial:04d}"
    assert is_valid_nik(nik, today=TODAY)


@given(regions, birth_dates, sexes, serials)
def test_it_agrees_with_lokal_where_the_century_is_not_in_question(region, born, sex, serial):
    # lokal reads YY <= this year's YY as 20YY even when that date is still to come; we do not.
    nik = make_nik(region, born, sex, serial)
    theirs = lokal_parse_nik(nik, reference_date=TODAY)
    assert theirs.valid
    assert theirs.gender == {1: "L", 2: "P"}[sex]
    if born.year % 100 != TODAY.year % 100:
        assert theirs.birth_date == born.isoformat()


@given(regions, birth_dates, sexes)
def test_a_zero_serial_is_the_only_error(region, born, sex):
    assert errors(make_nik(region, born, sex, 0)) == (Code.ZERO_SERIAL,)


@given(st.text().filter(lambda s: any(not ("0" <= ch <= "9") for ch in s)))
def test_any_non_digit_is_invalid(value):
    result = parse_nik(value, today=TODAY)
    assert not result.valid and Code.NON_DIGIT in result.errors


@given(st.text(alphabet="0123456789", max_size=40).filter(lambda s: len(s) != 16))
def test_any_other_length_is_invalid(value):
    result = parse_nik(value, today=TODAY)
    assert result.errors == (Code.NOT_16_DIGITS,)
    assert (result.region_code, result.birth_date, result.sex) == (None, None, None)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_16_digits_give_only_known_errors_and_consistent_fields(value):
    result = parse_nik(value, today=TODAY)
    assert set(result.errors) <= ERRORS - {Code.NOT_16_DIGITS, Code.NON_DIGIT}
    assert result.region_code == value[:6]
    assert (result.birth_date is None) == (Code.INVALID_BIRTH_DATE in result.errors)
    assert result.birth_date is None or result.birth_date <= TODAY


# --- warnings against a member -----------------------------------------------------------------------

@given(regions, birth_dates, sexes, serials)
def test_a_nik_agreeing_with_the_member_has_no_warnings(region, born, sex, serial):
    nik = make_nik(region, born, sex, serial)
    village = region + "2001"
    assert compare_nik(nik, sex=sex, birth_date=born, region_code=village, today=TODAY) == ()


@given(regions, regions, birth_dates, st.dates(min_value=date(1925, 6, 16), max_value=TODAY), sexes, serials)
def test_disagreements_are_warnings_never_errors(region, member_region, born, member_born, sex, serial):
    nik = make_nik(region, born, sex, serial)
    member_sex = 3 - sex
    warnings = compare_nik(nik, sex=member_sex, birth_date=member_born, region_code=member_region, today=TODAY)
    assert Code.SEX_MISMATCH in warnings
    assert (Code.BIRTH_DATE_MISMATCH in warnings) == (member_born != born)
    assert (Code.REGION_MISMATCH in warnings) == (member_region != region)
    assert set(warnings) <= WARNINGS
    assert parse_nik(nik, today=TODAY).valid


def test_it_compares_regions_at_any_level_with_or_without_dots():
    nik = "1901015205880003"
    for same in ("19", "19.01", "190101", "19.01.01.2001", "", None):
        assert Code.REGION_MISMATCH not in compare_nik(nik, region_code=same, today=TODAY)
    for other in ("1902", "19.01.02", "1901022001", "31"):
        assert Code.REGION_MISMATCH in compare_nik(nik, region_code=other, today=TODAY)


def test_it_compares_only_the_two_digit_year_of_a_birth_date():
    # 01-01-25 read as 2025; a member born in 1925 agrees with it.
    assert compare_nik("1901010101250003", birth_date=date(1925, 1, 1), sex=1, today=TODAY) == ()
    assert compare_nik("1901010101250003", birth_date=date(1925, 1, 2), sex=1,
                       today=TODAY) == (Code.BIRTH_DATE_MISMATCH,)


def test_it_does_not_compare_what_it_cannot_read():
    for unknown in (None, "", 0, "9"):
        assert compare_nik("1901015205880003", sex=unknown, today=TODAY) == ()
    assert compare_nik("1901015205880003", sex="1", today=TODAY) == (Code.SEX_MISMATCH,)
    assert compare_nik("1901019913880003", sex=2, birth_date=date(1988, 5, 12), today=TODAY) == ()
    assert compare_nik("abc", sex=2, birth_date=date(1988, 5, 12), region_code="3171", today=TODAY) == ()


# --- a KK number typed in place of a NIK -------------------------------------------------------------

KK = "1901011503120007"  # issued 15 March 2012 in Sungailiat


def test_it_spots_the_members_own_kk():
    assert looks_like_kk(KK, kk=KK, today=TODAY) == KkHint.EQUALS_MEMBER_KK
    assert Code.LOOKS_LIKE_KK in compare_nik(KK, kk=KK, today=TODAY)


def test_it_spots_a_number_shared_in_the_household():
    assert looks_like_kk(KK, other_niks=["1901015205880003", KK], today=TODAY) == KkHint.SHARED_IN_HOUSEHOLD


def test_it_spots_an_issue_date_that_cannot_be_the_birth_date():
    hint = KkHint.ISSUE_DATE_NOT_BIRTH_DATE
    assert looks_like_kk(KK, sex=2, today=TODAY) == hint  # a woman's NIK has day + 40
    assert looks_like_kk(KK, sex=1, birth_date=date(1975, 8, 17), today=TODAY) == hint
    assert set(compare_nik(KK, sex=2, birth_date=date(1975, 8, 17), region_code="1901011001", today=TODAY)) == {
        Code.SEX_MISMATCH, Code.BIRTH_DATE_MISMATCH, Code.LOOKS_LIKE_KK}


@pytest.mark.parametrize(("value", "kw"), [
    (KK, {"sex": 1}),  # a boy born 15 March 2012: structure alone cannot tell
    (KK, {"sex": 1, "birth_date": date(2012, 3, 15)}),
    (KK, {"sex": 1, "birth_date": date(2012, 9, 1)}),  # a corrected birth date, same year
    ("1901015503120007", {"sex": 2, "birth_date": date(1975, 8, 17)}),  # day 55: a woman's NIK, not a KK
    ("1901011503990007", {"sex": 2}),  # 1999 is before SIAK issue dates
    ("1901011512250007", {"sex": 2}),  # 15 Dec 2025 is after today: not yet issued
    (KK, {"kk": "1901011503120008", "other_niks": ["1901015205880003"]}),
])
def test_it_does_not_call_every_number_a_kk(value, kw):
    assert looks_like_kk(value, today=TODAY, **kw) is None
