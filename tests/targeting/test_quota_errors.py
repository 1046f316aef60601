"""Quota tables: every refusal of quotas.py and every boundary of its checks, one by one.

A quota decides how many households a region may list; a table that is silently misread (a region dropped,
listed twice, a negative or overflowing number, a share that does not add up) changes who gets aid.
"""

import re

import pytest

from mutakhir.targeting.quotas import (
    MAX_QUOTA,
    QuotaError,
    check_quotas,
    distribute,
    quota_warnings,
    read_quota_csv,
    read_quota_lines,
)
from mutakhir.targeting.services import TargetingError, check_list_options


def refused(message: str):
    return pytest.raises(QuotaError, match="^" + re.escape(message) + "$")


# -- check_quotas ----------------------------------------------------------------------------------------------

def test_a_table_is_returned_undotted_trimmed_and_whole():
    assert check_quotas({" 19.01 ": "5", "1902": 0, "1903": MAX_QUOTA}) == {"1901": 5, "1902": 0, "1903": MAX_QUOTA}
    assert all(type(n) is int for n in check_quotas({"1901": "5", "1902": 7.0}).values())
    assert check_quotas({}) == {}


def test_the_largest_quota_is_a_thousand_million():
    assert MAX_QUOTA == 10**9  # more than Indonesia's people, less than the engines' integers


@pytest.mark.parametrize("code", ["19a1", "", "  ", ".", "-1901", "1901,", "19\u00b21", "1901 01"])
def test_a_code_that_is_not_digits_is_refused(code):
    with refused(f"Region code {code!r} is not a region code"):
        check_quotas({code: 5})


def test_a_negative_quota_is_refused_and_zero_is_not():
    with refused("The quota of 1901 is negative"):
        check_quotas({"19.01": -1})
    assert check_quotas({"1901": 0}) == {"1901": 0}


def test_a_quota_over_the_largest_is_refused_and_the_largest_is_not():
    with refused("The quota of 1901 is larger than 1,000,000,000"):
        check_quotas({"19.01": MAX_QUOTA + 1})
    assert check_quotas({"1901": MAX_QUOTA}) == {"1901": MAX_QUOTA}


@pytest.mark.parametrize("table", [{"19.01": 1, "1901": 2}, {"1901": 1, " 1901": 2}, {"19.01": 3, "190.1": 3}])
def test_a_region_listed_twice_is_refused(table):
    with refused("Region 1901 is listed twice"):
        check_quotas(table)


@pytest.mark.parametrize(("table", "a", "b"), [
    ({"19.01": 5, "1901011001": 2}, "1901", "1901011001"),
    ({"1902": 1, "19": 5}, "19", "1902"),
    ({"1901": 1, "1902": 1, "1903": 1, "190301": 1}, "1903", "190301"),  # not the first pair
])
def test_overlapping_regions_are_refused(table, a, b):
    with refused(f"Quota regions overlap: {a} contains {b}"):
        check_quotas(table)


def test_regions_sharing_digits_without_containing_each_other_do_not_overlap():
    assert check_quotas({"1901": 1, "1910": 2, "190201": 3, "1903": 4}) == {"1901": 1, "1910": 2, "190201": 3,
                                                                            "1903": 4}


# -- read_quota_lines (the quota box of the list form) -------------------------------------------------------------

def known(codes):
    return set(codes) - {"1999"}


def test_lines_are_read_with_a_header_blank_lines_spaces_and_dots():
    text = "region_code,quota\n\n 19.01 , 4 \n   \n1902,0\n"
    assert read_quota_lines(text, known) == {"1901": 4, "1902": 0}
    assert read_quota_lines("1901,4", known) == {"1901": 4}


def test_empty_text_is_no_table_and_asks_for_no_region():
    def never(codes):
        raise AssertionError("no region to look up")

    assert read_quota_lines("", never) == {}
    assert read_quota_lines("region_code,quota\n\n", never) == {}


def test_the_region_list_is_asked_for_the_undotted_codes():
    asked = []
    read_quota_lines("19.01,4\n1902,3", lambda codes: asked.extend(codes) or set(codes))
    assert asked == ["1901", "1902"]


@pytest.mark.parametrize("line", ["1901", "1901,4,5", "19x1,4", ",4", "1901,", "1901,four", "1901,4.5", "1901,+4",
                                  "1901,--4", "1901,-", "1901,\u00b2", "19\u00b21,4", "1901,1000000000000000000",
                                  "region,quota"])
def test_a_malformed_line_is_refused_with_its_number(line):
    with refused(f"Line 2 ({line}): write one region_code,quota per line"):
        read_quota_lines(f"1902,3\n{line}\n1903,1", known)


def test_a_negative_or_huge_number_is_read_then_refused_as_such():
    with refused("The quota of 1901 is negative"):
        read_quota_lines("1901,-4", known)
    with refused("The quota of 1901 is larger than 1,000,000,000"):
        read_quota_lines("1901,100000000000000000", known)  # 18 digits: read, then too large
    with refused("The quota of 1901 is negative"):
        read_quota_lines("1901,-100000000000000000", known)  # 18 digits and a sign: read


def test_a_region_on_two_lines_is_refused_with_both_lines():
    with refused("Line 3 (1901,2): region 1901 is already on line 1"):
        read_quota_lines("19.01,1\n1902,5\n1901,2", known)


def test_a_region_missing_from_the_region_list_is_refused_with_its_line():
    with refused("Line 3 (19.99,2): region 1999 is not in the region list"):
        read_quota_lines("1901,1\n\n19.99,2", known)


def test_the_lines_are_checked_as_a_table():
    with refused("Quota regions overlap: 1901 contains 190101"):
        read_quota_lines("1901,1\n190101,2", known)


# -- read_quota_csv (the command's quota file) -----------------------------------------------------------------

def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "quotas.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_a_file_is_read_with_or_without_a_byte_order_mark(tmp_path):
    assert read_quota_csv(write(tmp_path, "region_code,quota\n19.01,4\n1902,0\n")) == {"1901": 4, "1902": 0}
    assert read_quota_csv(write(tmp_path, "region_code,quota\n1901,4\n", "utf-8-sig")) == {"1901": 4}


@pytest.mark.parametrize("text", [
    "region,quota\n1901,4\n",  # no region_code column
    "region_code,count\n1901,4\n",  # no quota column
    "region_code,quota\n1901,four\n",  # not a number
    "region_code,quota\n1901,4.5\n",  # not whole
    "region_code,quota\n1901,\n",  # empty
    "region_code,quota\n1901\n",  # short row: the quota is None
    "1901,4\n1902,3\n",  # no header row
])
def test_a_malformed_file_is_refused(tmp_path, text):
    with refused("The quota file needs columns region_code and quota (whole numbers)"):
        read_quota_csv(write(tmp_path, text))


def test_a_file_is_checked_as_a_table_with_the_tables_own_message(tmp_path):
    with refused("The quota of 1901 is negative"):
        read_quota_csv(write(tmp_path, "region_code,quota\n1901,-1\n"))
    with refused("Region 1901 is listed twice"):
        read_quota_csv(write(tmp_path, "region_code,quota\n19.01,1\n1901,2\n"))
    with refused("Region code 'x' is not a region code"):
        read_quota_csv(write(tmp_path, "region_code,quota\nx,1\n"))


# -- distribute (a national total shared by people in the target desil) -------------------------------------------

def test_a_total_is_shared_by_largest_remainder_then_region_code():
    assert distribute(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}  # b's remainder (.67) beats a's (.33)
    assert distribute(10, {"c": 1, "b": 1, "a": 1}) == {"a": 4, "b": 3, "c": 3}  # equal remainders: code order
    assert distribute(11, {"c": 1, "b": 1, "a": 1}) == {"a": 4, "b": 4, "c": 3}
    assert distribute(7, {"1901": 5, "1902": 2, "1903": 0}) == {"1901": 5, "1902": 2, "1903": 0}
    assert distribute(5, {"1901": 2.5, "1902": 2.5}) == {"1901": 3, "1902": 2}
    assert distribute(1000, {"1901": 1}) == {"1901": 1000}


def test_a_zero_total_shares_nothing():
    assert distribute(0, {"1901": 3, "1902": 1}) == {"1901": 0, "1902": 0}


@pytest.mark.parametrize(("total", "people"), [
    (-1, {"1901": 3}),  # a negative total
    (10, {"1901": 0, "1902": 0}),  # nobody in the target desil
    (10, {}),
    (10, {"1901": -2, "1902": 1}),  # a negative weight overall
])
def test_a_total_that_cannot_be_shared_is_refused(total, people):
    with refused("Nobody is in the target desil: a national total cannot be shared"):
        distribute(total, people)


# -- quota_warnings --------------------------------------------------------------------------------------------

SUMMARY = [
    {"region": "1901", "quota": 3, "eligible_households": 2, "eligible_people": 5},
    {"region": "1902", "quota": 4, "eligible_households": 4, "eligible_people": 3},
    {"region": "1903", "quota": None, "eligible_households": 0, "eligible_people": 0},
    {"region": "1904", "quota": 0, "eligible_households": 0, "eligible_people": 0},
]


def test_households_are_compared_with_eligible_households():
    assert quota_warnings(SUMMARY, "household") == ["Quota of 1901 (3) is larger than its eligible population (2)"]


def test_people_are_compared_with_eligible_people():
    assert quota_warnings(SUMMARY, "person") == ["Quota of 1902 (4) is larger than its eligible population (3)"]


def test_a_region_without_quota_has_no_warning():
    assert quota_warnings([{"region": "1905", "eligible_households": 1, "eligible_people": 1}], "household") == []


@pytest.mark.parametrize("text", ["1901,--4", "1901,\u00b2"])
def test_the_list_form_reports_a_malformed_number_instead_of_failing(text):
    """`--4` passed `lstrip("-").isdigit()` and `²` passed `isdigit()`, then int() raised a ValueError that the
    form did not catch: a server error instead of the line to correct."""
    with pytest.raises(TargetingError, match=r"^Line 1 \("):
        check_list_options(text, 0)
