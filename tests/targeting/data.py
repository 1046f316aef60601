"""Small list inputs: a scores file and a households/members dataset, written as CSV."""

import csv
from pathlib import Path

# household_id, region_code, score, desil, members [(age-as-birth-date, pregnant, school, disability)]
HOUSEHOLDS = [
    ("H1", "1901011001", 1.0, 1, [("1990-01-01", 1, 0, 0)]),  # pregnant woman
    ("H2", "1901011001", 2.0, 2, [("1980-01-01", 0, 0, 0), ("2023-06-01", 0, 0, 0)]),  # young child
    ("H3", "1901011001", 3.0, 3, [("1970-01-01", 0, 0, 0)]),  # no component
    ("H4", "1901022004", 4.0, 4, [("1940-01-01", 0, 0, 0)]),  # elderly
    ("H5", "1901022004", 5.0, 5, [("2012-01-01", 0, 1, 0), ("1985-01-01", 0, 0, 0)]),  # schoolchild, desil 5
    ("H6", "1902012003", 1.5, 1, [("1985-01-01", 0, 0, 3)]),  # disability, other district
    ("H7", "1902012003", 2.5, 2, [("2015-01-01", 0, 1, 0)]),  # schoolchild
]
PKH = ("desil <= 4 and any(member.pregnant = 1 or member.age < 6 or (member.age between 6 and 18 and "
       "member.school_attendance = 1) or member.age >= 70 or member.disability != 0)")


def write(folder: Path, rows=HOUSEHOLDS) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "scores.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["household_id", "score", "percentile", "desil", "region_percentile", "region", "model_region",
                    "flags"])
        for hid, region, score, desil, _m in rows:
            w.writerow([hid, score, desil * 10 - 5, desil, desil * 10 - 5, region[:4], region[:4], ""])
    with open(folder / "households.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["household_id", "region_code", "floor_area_m2", "has_car"])
        for hid, region, _s, _d, _m in rows:
            w.writerow([hid, region, "30", "0"])
    with open(folder / "members.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "household_id", "name", "birth_date", "pregnant", "school_attendance", "disability"])
        for hid, _r, _s, _d, members in rows:
            for i, (birth, preg, school, dis) in enumerate(members):
                w.writerow([f"{hid}-{i}", hid, f"Warga {hid}", birth, preg, school, dis])
    return folder / "scores.csv", folder / "households.csv", folder / "members.csv"
