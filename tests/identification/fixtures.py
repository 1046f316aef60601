"""Small hand-made datasets in the exchange format, with their truth, for the identification tests."""

import csv
import random
from pathlib import Path

HOUSEHOLD_COLUMNS = ["household_id", "region_code", "address", "rt", "rw", "floor_area_m2", "roof_material",
                     "has_motorcycle"]
MEMBER_COLUMNS = ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "birth_place",
                  "relation", "work_status"]
GIVEN = ["Budi", "Agus", "Hendra", "Rudi", "Joko", "Yusuf", "Dedi", "Wahyu", "Eko", "Bambang", "Rizki", "Fajar",
         "Andi", "Irfan", "Hasan", "Husin", "Slamet", "Taufik", "Bayu", "Imam"]
GIVEN_F = ["Siti", "Dewi", "Sri", "Rina", "Wati", "Aminah", "Fatimah", "Nurul", "Yanti", "Lestari", "Ratna", "Indah",
           "Maya", "Putri", "Ani", "Suryani", "Aisyah", "Khadijah", "Rahmawati", "Kartika"]
SECOND = ["Santoso", "Saputra", "Hidayat", "Setiawan", "Kurniawan", "Pratama", "Wijaya", "Susanto", "Gunawan",
          "Nugroho", "Rahman", "Effendi", "Syahputra", "Hartono", "Purnama", "Maulana", "Ramadhan", "Permana"]
VILLAGES = ["1901011001", "1901011002", "1901021001", "1901021002"]


def nik(region6: str, iso: str, female: bool, serial: int) -> str:
    year, month, day = iso.split("-")
    return f"{region6}{int(day) + (40 if female else 0):02d}{month}{year[2:]}{serial:04d}"


def person(rnd: random.Random, hh: str, index: int, region6: str, kk: str, relation: int, year: int,
           serials: dict) -> dict:
    female = relation == 2 or (relation == 3 and rnd.random() < 0.5)
    iso = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    key = (region6, iso, female)
    serials[key] = serials.get(key, 0) + 1
    name = f"{rnd.choice(GIVEN_F if female else GIVEN)} {rnd.choice(SECOND)}"
    return {"record_id": f"{hh}-{index}", "household_id": hh, "nik": nik(region6, iso, female, serials[key]),
            "kk": kk, "name": name, "sex": "2" if female else "1", "birth_date": iso, "birth_place": "Sungailiat",
            "relation": str(relation), "work_status": str(rnd.randint(1, 3))}


def registry(n: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Return (households, members) of a small registry of n households."""
    rnd, households, members, serials = random.Random(seed), [], [], {}
    for i in range(n):
        hh, village = f"B{i:05d}", rnd.choice(VILLAGES)
        kk = f"{village[:6]}{rnd.randint(1, 28):02d}0{rnd.randint(1, 9)}1{rnd.randint(0, 9)}{i:04d}"
        households.append({"household_id": hh, "region_code": village, "address": f"Jl. Merdeka No. {i}",
                           "rt": str(rnd.randint(1, 9)), "rw": "2", "floor_area_m2": "36", "roof_material": "3",
                           "has_motorcycle": "0"})
        relations = [1, 2] + [3] * rnd.randint(0, 3)
        for j, rel in enumerate(relations):
            year = rnd.randint(1960, 1985) if rel < 3 else rnd.randint(1995, 2015)
            members.append(person(rnd, hh, j + 1, village[:6], kk, rel, year, serials))
    return households, members


def write(folder: Path, households: list[dict], members: list[dict]) -> Path:
    """Write a dataset folder; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, columns in (("households", households, HOUSEHOLD_COLUMNS), ("members", members, MEMBER_COLUMNS)):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def scenario(root: Path, n_registry: int = 300, seed: int = 7) -> dict:
    """Write registry and registrations (a third re-registered with typos, a few changed, some new).

    Return the truth: {registration household: (registry household or None, category)} and
    {registration record: registry record or None}.
    """
    households, members = registry(n_registry, seed)
    write(root / "registry", households, members)
    by_hh = {}
    for m in members:
        by_hh.setdefault(m["household_id"], []).append(m)
    reg_h, reg_m, truth_h, truth_m = [], [], {}, {}
    for k, h in enumerate(households[: n_registry // 3]):
        rid = f"R{k:05d}"
        new_h = {**h, "household_id": rid}
        category = "unchanged"
        if k % 5 == 1:
            new_h["has_motorcycle"] = "1"
            category = "changed"
        reg_h.append(new_h)
        for m in by_hh[h["household_id"]]:
            new_m = {**m, "household_id": rid, "record_id": f"{rid}-{m['record_id'][-1]}"}
            if k % 3 == 0:
                new_m["name"] = new_m["name"].upper()
            if k % 7 == 2 and m["relation"] == "1":
                new_m["nik"] = ""
            reg_m.append(new_m)
            truth_m[new_m["record_id"]] = m["record_id"]
        truth_h[rid] = (h["household_id"], category)
    new_households, new_members = registry(40, seed + 99)
    for h in new_households:
        h["household_id"] = "N" + h["household_id"][1:]
        truth_h[h["household_id"]] = (None, "new")
    for m in new_members:
        m["household_id"] = "N" + m["household_id"][1:]
        m["record_id"] = "N" + m["record_id"][1:]
        m["nik"] = "3" + m["nik"][1:]  # another province: no NIK collides with the registry
        truth_m[m["record_id"]] = None
    write(root / "registrations", reg_h + new_households, reg_m + new_members)
    return {"households": truth_h, "members": truth_m}
