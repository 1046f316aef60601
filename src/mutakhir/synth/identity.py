"""NIK and KK numbers: region (6 digits) + date DDMMYY (day + 40 for women in a NIK) + 4-digit serial."""

import numpy as np


def day_month_year(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split datetime64[D] values into day, month, year integer arrays."""
    months = dates.astype("datetime64[M]")
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    month = months.astype(np.int64) % 12 + 1
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    return day, month, year


def serials(keys: np.ndarray) -> np.ndarray:
    """Return 1, 2, 3... within each group of equal keys, in the order the rows come."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    idx = np.arange(len(keys))
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(keys) else np.array([], dtype=bool)
    rank = idx - np.maximum.accumulate(np.where(starts, idx, 0)) + 1
    out = np.empty_like(rank)
    out[order] = rank
    return out


def _numbers(region6: np.ndarray, dates: np.ndarray, day_offset: np.ndarray | int) -> np.ndarray:
    day, month, year = day_month_year(dates)
    key = region6.astype(np.int64) * 1_000_000 + (day + day_offset) * 10_000 + month * 100 + year % 100
    serial = serials(key)
    if len(serial) and serial.max() > 9999:
        raise ValueError("more than 9,999 numbers for one region and date")
    return key * 10_000 + serial


def make_nik(region6: np.ndarray, birth_date: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Return NIKs as int64 (16 digits); rows with equal region and birth date get consecutive serials."""
    return _numbers(region6, birth_date, np.where(female, 40, 0))


def make_kk(region6: np.ndarray, issue_date: np.ndarray) -> np.ndarray:
    """Return family-card numbers as int64 (16 digits)."""
    return _numbers(region6, issue_date, 0)


def nik_parts(nik: str) -> dict | None:
    """Return region, sex and birth date encoded in a NIK string, or None when it is malformed."""
    if len(nik) != 16 or not nik.isdigit() or nik.endswith("0000"):
        return None
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    day -= 40 if female else 0
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return {"region": nik[:6], "sex": 2 if female else 1, "day": day, "month": month, "yy": yy,
            "serial": int(nik[12:])}
