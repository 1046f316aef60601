"""KK numbers: region errors, lenient date and serial warnings."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutakhir.core.kk import is_valid_kk, parse_kk
from mutakhir.core.nik import Code, official_region_codes

TODAY = date(2025, 6, 15)
SUBDISTRICTS = sorted(c for c in official_region_codes() if len(c) == 6)


def test_it_parses_a_valid_kk():
    result = parse_kk("1901011503120007", today=TODAY)
    assert result.valid and result.errors == () and result.warnings == ()
    assert (result.region_code, result.issue_date, result.serial) == ("190101", date(2012, 3, 15), "0007")
    assert result.as_dict() == {"kk": "1901011503120007", "valid": True, "errors": [], "warnings": [],
                                "region_code": "190101", "issue_date": "2012-03-15"}


@pytest.mark.parametrize(("value", "errors", "warnings"), [
    ("190101150312000", (Code.NOT_16_DIGITS,), ()),
    ("19010115031200x7", (Code.NON_DIGIT,), ()),
    ("9901011503120007", (Code.UNKNOWN_PROVINCE,), ()),
    ("1999011503120007", (Code.UNKNOWN_REGENCY,), ()),
    ("1901991503120007", (Code.UNKNOWN_SUBDISTRICT,), ()),
    ("1901013213120007", (), (Code.INVALID_ISSUE_DATE,)),
    ("1901015503120007", (), (Code.INVALID_ISSUE_DATE, Code.LOOKS_LIKE_NIK)),  # a woman's NIK?
    ("1901011503120000", (), (Code.ZERO_SERIAL,)),
    ("9901013213120000", (Code.UNKNOWN_PROVINCE,), (Code.INVALID_ISSUE_DATE, Code.ZERO_SERIAL)),
])
def test_it_reports_errors_and_lenient_warnings(value, errors, warnings):
    result = parse_kk(value, today=TODAY)
    assert (result.errors, result.warnings) == (errors, warnings)
    assert result.valid == (not errors) == is_valid_kk(value, today=TODAY)


@given(st.sampled_from(SUBDISTRICTS), st.dates(min_value=date(1925, 6, 16), max_value=TODAY),
       st.integers(min_value=1, max_value=9999))
def test_a_constructed_kk_round_trips(region, issued, serial):
    value = f"{region}{issued:%d%m%y}{serial:04d}"
    result = parse_kk(value, today=TODAY)
    assert result.valid and result.warnings == ()
    assert (result.region_code, result.issue_date) == (region, issued)


def test_a_number_of_the_wrong_length_keeps_its_value_and_reads_no_part():
    result = parse_kk("19010115", today=TODAY)
    assert (result.kk, result.valid, result.region_code, result.issue_date) == ("19010115", False, None, None)
    assert result.as_dict()["kk"] == "19010115"


def test_the_dict_names_each_error_and_warning():
    result = parse_kk("9901013213120000", today=TODAY)
    data = result.as_dict()
    assert data["errors"] == [str(Code.UNKNOWN_PROVINCE)]
    assert data["warnings"] == [str(Code.INVALID_ISSUE_DATE), str(Code.ZERO_SERIAL)]
    assert data["issue_date"] is None and "None" not in data["errors"] + data["warnings"]
