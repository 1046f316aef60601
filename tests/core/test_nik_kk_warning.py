"""compare_nik warns LOOKS_LIKE_KK on exactly what looks_like_kk is told: sex, birth date, the other members'
NIKs and the day (each passed on, none dropped)."""

from datetime import date

from mutakhir.core.nik import Code, compare_nik

TODAY = date(2025, 6, 15)
ISSUED_TODAY = "1901011506250007"  # digits 7-12 read as 15 June 2025: a KK date, not a woman's birth day
ISSUED_TOMORROW = "1901011606250007"


def warns(value: str, **member) -> bool:
    return Code.LOOKS_LIKE_KK in compare_nik(value, today=TODAY, **member)


def test_a_woman_whose_nik_carries_a_kk_issue_date_is_warned_only_knowing_her_sex():
    assert warns(ISSUED_TODAY, sex=2)
    assert not warns(ISSUED_TODAY)


def test_a_date_after_the_given_day_is_no_kk_issue_date():
    assert not warns(ISSUED_TOMORROW, sex=2)


def test_a_man_is_warned_when_the_date_is_far_from_his_birth_date():
    assert warns(ISSUED_TODAY, sex=1, birth_date=date(1988, 1, 1))
    assert not warns(ISSUED_TODAY, sex=1)


def test_a_nik_shared_with_another_member_is_warned():
    assert warns(ISSUED_TODAY, other_niks=[ISSUED_TODAY])
