"""The edges of NIK and KK reading: the day ranges of each sex, malformed values given to the KK heuristic,
its date boundaries (today, 366 days, a century apart), unreadable member fields, and unreadable KK parts."""

from datetime import date, timedelta

import pytest

from mutakhir.core.kk import parse_kk
from mutakhir.core.nik import Code, KkHint, compare_nik, looks_like_kk, parse_nik

TODAY = date(2025, 6, 15)
KK = "1901011503120007"  # issued 15 March 2012
ISSUED = date(2012, 3, 15)
HINT = KkHint.ISSUE_DATE_NOT_BIRTH_DATE


@pytest.mark.parametrize(("dd", "sex", "born"), [
    ("00", None, None), ("01", 1, date(1988, 1, 1)), ("31", 1, date(1988, 1, 31)), ("32", None, None),
    ("40", None, None), ("41", 2, date(1988, 1, 1)), ("71", 2, date(1988, 1, 31)), ("72", None, None),
])
def test_the_day_ranges_of_men_and_women(dd, sex, born):
    result = parse_nik(f"190101{dd}01880003", today=TODAY)
    assert (result.sex, result.birth_date) == (sex, born)
    assert result.valid == (born is not None)


def test_an_invalid_nik_has_no_birth_date_in_its_dict():
    assert parse_nik("1901013213880003", today=TODAY).as_dict()["birth_date"] is None


@pytest.mark.parametrize("value", [
    "190101150312000",  # 15 digits whose date part reads as 15 March 2012
    "19010115031200x7",  # 16 characters, not all digits
    "１９０１０１１５０３１２０００７",  # 16 full-width digits: not ASCII
    "1901013213120007",  # 32 March: no date at all
    "",
])
def test_a_malformed_value_never_looks_like_a_kk(value):
    assert looks_like_kk(value, sex=2, today=TODAY) is None


def test_empty_values_are_never_equal_to_an_empty_kk_or_another_members_empty_nik():
    assert looks_like_kk("", kk="", other_niks=["", "1901015205880003"], today=TODAY) is None
    assert looks_like_kk(KK, kk="", other_niks=[""], sex=1, today=TODAY) is None


def test_a_kk_issued_today_counts_and_tomorrow_does_not():
    assert looks_like_kk("1901011506250007", sex=2, today=TODAY) == HINT
    assert looks_like_kk("1901011606250007", sex=2, today=TODAY) is None


@pytest.mark.parametrize(("born", "hint"), [
    (ISSUED - timedelta(days=366), None), (ISSUED - timedelta(days=367), HINT),
    (ISSUED + timedelta(days=366), None), (ISSUED + timedelta(days=367), HINT),  # a birth date after the issue
    (date(1912, 3, 15), None),  # a century earlier: the same two-digit year
    (ISSUED - timedelta(days=36524 + 366), None), (ISSUED - timedelta(days=36524 + 367), HINT),
    (ISSUED - timedelta(days=36524 - 366), None), (ISSUED - timedelta(days=36524 - 367), HINT),
])
def test_a_birth_date_more_than_366_days_away_in_either_century_is_no_correction(born, hint):
    assert looks_like_kk(KK, sex=1, birth_date=born, today=TODAY) == hint


def test_a_member_sex_written_as_text_is_read():
    woman = "1901015205880003"
    assert compare_nik(woman, sex=" 1 ", today=TODAY) == (Code.SEX_MISMATCH,)
    assert compare_nik(woman, sex=" 2 ", today=TODAY) == ()
    assert looks_like_kk(KK, sex="2", today=TODAY) == HINT


@pytest.mark.parametrize("member_region", ["19x1", "1901-01", "not a code"])
def test_an_unreadable_member_region_is_not_compared(member_region):
    assert compare_nik("1901015205880003", region_code=member_region, today=TODAY) == ()


@pytest.mark.parametrize(("value", "region", "issued", "serial", "errors", "warnings"), [
    ("19010x1503120007", None, ISSUED, "0007", (Code.NON_DIGIT,), ()),  # region unreadable: not checked
    ("1901011x03120007", "190101", None, "0007", (Code.NON_DIGIT,), ()),  # date unreadable: no date warning
    ("1901011503120x07", "190101", ISSUED, None, (Code.NON_DIGIT,), ()),
])
def test_a_kk_reads_only_its_readable_parts(value, region, issued, serial, errors, warnings):
    result = parse_kk(value, today=TODAY)
    assert (result.region_code, result.issue_date, result.serial) == (region, issued, serial)
    assert (result.errors, result.warnings) == (errors, warnings)


def test_a_kk_issue_date_is_read_in_this_century_unless_that_is_after_today():
    assert parse_kk("1901011506250007", today=TODAY).issue_date == date(2025, 6, 15)
    assert parse_kk("1901011606250007", today=TODAY).issue_date == date(1925, 6, 16)
    assert parse_kk("1901013213120007", today=TODAY).as_dict()["issue_date"] is None
