"""Small exchange-format datasets for the import/export tests (FORMAT.md columns)."""

import csv
import hashlib
import json
import zipfile
from pathlib import Path

from conftest import VILLAGE_IN, VILLAGE_OTHER_SUB

HOUSEHOLD = {"household_id": "H1", "region_code": VILLAGE_IN, "address": "Dusun I No. 3", "rt": "001", "rw": "002",
             "floor_area_m2": "36.5", "floor_material": "2", "wall_material": "1", "roof_material": "2",
             "water_source": "3", "lighting": "1", "cooking_fuel": "04", "toilet": "1", "tenure": "1",
             "has_gas_cylinder": "1", "has_refrigerator": "0", "has_ac": "0", "has_motorcycle": "1", "has_car": "0",
             "has_boat": "0", "has_gold": "0", "owns_land": "0", "livestock": "2"}
MEMBER = {"record_id": "M1", "household_id": "H1", "nik": "1901012501800001", "kk": "1901011501100001",
          "name": "Budi Santoso", "sex": "1", "birth_date": "1980-01-25", "birth_place": "Sungailiat",
          "relation": "1", "education": "1", "work_status": "1", "work_sector": "1", "disability": "0",
          "chronic_illness": "0", "pregnant": "0"}


def households(n=3, **over):
    rows = []
    for i in range(1, n + 1):
        rows.append(HOUSEHOLD | {"household_id": f"H{i}", "region_code": VILLAGE_IN if i % 2 else VILLAGE_OTHER_SUB,
                                 "address": f"Dusun {i}"} | over)
    return rows


def members(household_ids=("H1", "H2", "H3"), per=2):
    rows = []
    for h in household_ids:
        for j in range(1, per + 1):
            rows.append(MEMBER | {"record_id": f"{h}-{j}", "household_id": h, "name": f"Warga {h} {j}",
                                  "relation": "1" if j == 1 else "3", "nik": f"19010125018{int(h[1:]):03d}{j:02d}"})
    return rows


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None) -> None:
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def dataset(folder: Path, hh=None, mm=None, *, fmt="csv", manifest=False) -> Path:
    """Write households and members (lists of dicts of text) as CSV or Parquet; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    hh = households() if hh is None else hh
    mm = members() if mm is None else mm
    for name, rows in (("households", hh), ("members", mm)):
        if fmt == "csv":
            write_csv(folder / f"{name}.csv", rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = list(rows[0])
            pq.write_table(pa.table({c: [r.get(c) or None for r in rows] for c in columns}),
                           folder / f"{name}.parquet")
    if manifest:
        files = {}
        for p in sorted(folder.glob(f"*.{fmt}")):
            files[p.name] = {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "rows": None}
        (folder / "manifest.json").write_text(json.dumps({"format_version": 1, "files": files}))
    return folder


def zipped(folder: Path, inside: str = "") -> Path:
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w") as archive:
        for p in folder.iterdir():
            archive.write(p, f"{inside}/{p.name}" if inside else p.name)
    return target
