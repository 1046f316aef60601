"""A small planted registry and civil-registry extract: one member per finding kind and per bad-input case."""

import csv
from pathlib import Path

VILLAGE = "1901011001"  # Bangka, Sungailiat
VILLAGE_2 = "1901022004"  # Bangka, Belinyu
ELSEWHERE = "1902012003"  # Belitung

# record_id, household_id, nik, kk, name, sex, birth_date
MEMBERS = [
    ("A-1", "HA", "1901010101700001", "1901010101100001", "Ahmad Sulaiman", "1", "1970-01-01"),
    ("A-2", "HA", "1901014101720001", "1901010101100001", "Siti Aminah", "2", "1972-01-01"),
    ("B-1", "HB", "1901010202600001", "1901010202100001", "Bambang Irawan", "1", "1960-02-02"),
    ("C-1", "HC", "1901010303800001", "1901010303100001", "Cahyo Nugroho", "1", "1980-03-03"),
    ("D-1", "HD", "1901010404850001", "1901010404100001", "Dedi Kurniawan", "1", "1985-04-04"),
    ("E-1", "HE", "1901010505900001", "1901010505100001", "Eko Prasetyo", "1", "1990-05-05"),
    ("F-1", "HF", "1901010606910001", "1901010606100001", "Fajar Hidayat", "1", "1991-06-06"),
    ("G-1", "HG", "1901010707920001", "1901010707100001", "Gunawan Saputra", "1", "1992-07-07"),
    ("H-1", "HH", "1901010808930001", "1901010808100001", "Hendra Wijaya", "1", "1993-08-08"),
    ("I-1", "HI", "1901010909940001", "1901010909100001", "Iwan Setiawan", "1", "1994-09-09"),
    ("J-1", "HJ", "1901011010950001", "1901011010100001", "Joko Susilo", "1", "1995-10-10"),
]
HOUSEHOLDS = {"HA": VILLAGE, "HB": VILLAGE, "HC": VILLAGE, "HD": VILLAGE, "HE": VILLAGE, "HF": VILLAGE_2,
              "HG": VILLAGE_2, "HH": VILLAGE_2, "HI": VILLAGE_2, "HJ": VILLAGE_2}
NEW_KK = "1901012504240001"
NEW_NIK_E = "1901010505909001"
NEW_NIK_F = "1901010606919001"

# record_id, nik, kk, name, sex, birth_date, region_code, death_date, previous_nik
EXTRACT = [
    ("C1", "1901010101700001", "1901010101100001", "AHMAD SULAIMAN", "1", "1970-01-01", VILLAGE, "2024-05-01", ""),
    ("C2", "1901014101720001", "1901010101100001", "SITI AMINAH", "2", "1972-01-01", VILLAGE, "", ""),
    # B: a death record written without the NIK, found by name and birth date only.
    ("C3", "", "1901010202100001", "BAMBANG IRAWAN", "1", "1960-02-02", VILLAGE, "2024-06-01", ""),
    ("C4", "1901010303800001", "1901010303100001", "CAHYO NUGROHO", "1", "1980-03-03", ELSEWHERE, "", ""),
    ("C5", "1901010404850001", NEW_KK, "DEDI KURNIAWAN", "1", "1985-04-04", VILLAGE, "", ""),
    ("C6", NEW_NIK_E, "1901010505100001", "EKO PRASETYO", "1", "1990-05-05", VILLAGE, "", "1901010505900001"),
    ("C7", NEW_NIK_F, "1901010606100001", "FAJAR HIDAYAT", "1", "1991-06-06", VILLAGE_2, "", ""),
    ("C8", "1901010707920001", "1901010707100001", "GUNAWAN SAPUTRA", "1", "1992-07-07", VILLAGE_2, "", ""),
    # H: a new KK, but the NIK is also written on somebody else's row.
    ("C9", "1901010808930001", NEW_KK, "HENDRA WIJAYA", "1", "1993-08-08", VILLAGE_2, "", ""),
    ("C10", "1901010808930001", "1901019999100001", "RUDI HARTONO", "1", "1970-12-12", VILLAGE_2, "", ""),
    # I: died in 2024, but registered again in 2025.
    ("C11", "1901010909940001", "1901010909100001", "IWAN SETIAWAN", "1", "1994-09-09", VILLAGE_2, "2024-01-15", ""),
    # J: an unreadable death date.
    ("C12", "1901011010950001", "1901011010100001", "JOKO SUSILO", "1", "1995-10-10", VILLAGE_2, "15-01-2024", ""),
    # Somebody of another district who is not in the registry.
    ("C13", "1902010101800001", "1902010101100001", "ZAINAL ARIFIN", "1", "1980-01-01", ELSEWHERE, "", ""),
]
EXPECTED = {  # (record_id, kind): (exact, proposed value, problem)
    ("A-1", "death"): (True, "2024-05-01", ""),
    ("B-1", "death"): (False, "2024-06-01", ""),
    ("C-1", "move"): (True, ELSEWHERE, ""),
    ("D-1", "kk_change"): (True, NEW_KK, ""),
    ("E-1", "nik_correction"): (True, NEW_NIK_E, ""),
    ("F-1", "nik_correction"): (False, NEW_NIK_F, ""),
    ("H-1", "kk_change"): (True, NEW_KK, "duplicate_nik"),
    ("I-1", "death"): (True, "2024-01-15", "registered_after_death"),
}


def _write(path: Path, header: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def write_registry(root: Path) -> Path:
    _write(root / "households.csv", ["household_id", "region_code"], HOUSEHOLDS.items())
    _write(root / "members.csv", ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date"], MEMBERS)
    return root


def write_extract(root: Path, rows=EXTRACT) -> Path:
    _write(root / "members.csv", ["record_id", "nik", "kk", "name", "sex", "birth_date", "region_code", "death_date",
                                  "previous_nik"], rows)
    return root


def write_registrations(root: Path) -> Path:
    _write(root / "households.csv", ["household_id", "region_code", "registered_on"], [("D1", VILLAGE_2, "2025-04-01")])
    _write(root / "members.csv", ["record_id", "household_id", "nik", "name", "sex", "birth_date"],
           [("D1-1", "D1", "1901010909940001", "Iwan Setiawan", "1", "1994-09-09")])
    return root
