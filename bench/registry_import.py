"""Benchmark `registry import` on SQLite and PostgreSQL, with a per-row save() baseline.

    .venv/bin/python bench/registry_import.py [--members 1000000] [--data DIR] [--backends sqlite,postgresql]

Generates (once, cached in --data) a dataset of N members in ~N/4 households of province 19, then for
each backend imports it into a scratch database (var/bench/bench.sqlite3; PostgreSQL database
mutakhir_bench on 127.0.0.1, dropped and created) and prints: backend, households, members, seconds,
rows/s (households + members per second, history included). The baseline saves a 10,000-member
sample row by row through the ORM (with its history signals), as an application would without bulk.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/mutakhir_bench"
HOUSEHOLD_HEADER = ["household_id", "region_code", "address", "rt", "rw", "floor_area_m2", "floor_material",
                    "wall_material", "roof_material", "water_source", "lighting", "cooking_fuel", "toilet", "tenure",
                    "has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat",
                    "has_gold", "owns_land", "livestock"]
MEMBER_HEADER = ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "birth_place", "relation",
                 "education", "work_status", "work_sector", "disability", "chronic_illness", "pregnant"]
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Nur", "Andi", "Sri", "Hendra", "Wati", "Joko", "Rina"]
LAST = ["Santoso", "Rahayu", "Saputra", "Lestari", "Hidayat", "Wulandari", "Pratama", "Sari", "Gunawan"]


def generate(folder: Path, members: int, seed: int = 19) -> None:
    """Write households.csv and members.csv: about 4 members per household, valid codes and NIKs."""
    from lokal import wilayah

    villages = sorted(c.replace(".", "") for c in wilayah._desa() if c.startswith("19."))
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    with (folder / "households.csv").open("w", newline="", encoding="utf-8") as hf, \
            (folder / "members.csv").open("w", newline="", encoding="utf-8") as mf:
        hw, mw = csv.writer(hf), csv.writer(mf)
        hw.writerow(HOUSEHOLD_HEADER)
        mw.writerow(MEMBER_HEADER)
        h = 0
        while written < members:
            h += 1
            village = rng.choice(villages)
            hid = f"H{h:08d}"
            r = rng.randint
            hw.writerow([hid, village, f"Dusun {r(1, 9)} No. {r(1, 200)}", f"{r(1, 20):03d}", f"{r(1, 9):03d}",
                         f"{rng.uniform(12, 150):.2f}", r(1, 9), r(1, 7), r(1, 8), r(1, 11), r(1, 4), r(0, 11),
                         r(1, 6), r(1, 5), *(r(0, 1) for _ in range(8)), r(0, 5)])
            kk = f"{village[:6]}{r(1, 28):02d}{r(1, 12):02d}{r(10, 23):02d}{h % 9999 + 1:04d}"
            size = min(rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7]), members - written)
            for i in range(size):
                sex = rng.randint(1, 2)
                year, month, day = rng.randint(1940, 2024), rng.randint(1, 12), rng.randint(1, 28)
                nik = f"{village[:6]}{day + (40 if sex == 2 else 0):02d}{month:02d}{year % 100:02d}{r(1, 9999):04d}"
                mw.writerow([f"{hid}-{i + 1}", hid, nik, kk, f"{rng.choice(FIRST)} {rng.choice(LAST)}", sex,
                             f"{year}-{month:02d}-{day:02d}", "Sungailiat", 1 if i == 0 else rng.choice([2, 3, 3, 5]),
                             rng.randint(0, 6), rng.randint(0, 6), rng.randint(1, 19), 0, rng.randint(0, 9),
                             0 if sex == 1 else rng.randint(0, 1)])
            written += size


def sample(folder: Path, target: Path, members: int) -> None:
    """Copy the first households of a dataset holding about `members` members."""
    target.mkdir(parents=True, exist_ok=True)
    with (folder / "members.csv").open(encoding="utf-8") as f, \
            (target / "members.csv").open("w", encoding="utf-8") as o:
        keep = set()
        for i, line in enumerate(f):
            if i > members:
                break
            o.write(line)
            keep.add(line.split(",", 2)[1])
    with (folder / "households.csv").open(encoding="utf-8") as f, \
            (target / "households.csv").open("w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            if i == 0 or line.split(",", 1)[0] in keep:
                o.write(line)


def scratch(backend: str, name: str = "bench") -> dict:
    """Create an empty database with the schema and province 19's regions; return its environment.

    `name` names the scratch database: var/bench/<name>.sqlite3, or PostgreSQL database mutakhir_<name>.
    """
    env = dict(os.environ, DEBUG="1", MUTAKHIR_HOME=str(ROOT))
    if backend == "sqlite":
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS mutakhir_{name}")
            conn.execute(f"CREATE DATABASE mutakhir_{name}")
        env["DATABASE_URL"] = PG_BENCH.rsplit("/", 1)[0] + f"/mutakhir_{name}"
    for args in (["migrate", "-v0"], ["regions", "load", "--prefix", "19"]):
        subprocess.run([VENV_BIN / "mutakhir", *args], env=env, check=True, capture_output=True)
    return env


def run_child(env: dict, *args, script: str = __file__) -> dict:
    """Run `script` with `args` in a child process on `env`'s database; return its last line's JSON."""
    out = subprocess.run([sys.executable, script, *args], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_arguments(doc: str, members: int, baseline_members: int) -> argparse.ArgumentParser:
    """Return the options of an import benchmark; the --child-* ones run one measurement in a child."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--members", type=int, default=members)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--baseline-members", type=int, default=baseline_members)
    parser.add_argument("--child-import")
    parser.add_argument("--child-baseline")
    return parser


def datasets(data: Path, members: int, baseline_members: int) -> tuple[Path, Path]:
    """Return a dataset of about `members` members and its baseline sample, made when missing."""
    if not (data / "members.csv").exists():
        print(f"generating {members} members in {data} ...", file=sys.stderr)
        generate(data, members)
    small = data.with_name(data.name + f"-sample{baseline_members}")
    if not (small / "members.csv").exists():
        sample(data, small, baseline_members)
    return data, small


def measure(backends: str, runs, script: str = __file__) -> list[tuple[str, str, dict]]:
    """Run each (label, child flag, dataset) of `runs` on a fresh scratch database of every backend."""
    results = []
    for backend in backends.split(","):
        for label, flag, dataset in runs:
            print(f"{backend}: {label} ...", file=sys.stderr)
            results.append((backend, label, run_child(scratch(backend), flag, str(dataset), script=script)))
    return results


def child_import(dataset: str) -> None:
    """In a child process (DATABASE_URL set): import the dataset, print timings as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    django.setup()
    from mutakhir.registry.exchange.importer import import_dataset

    started = time.perf_counter()
    result = import_dataset(dataset)
    seconds = time.perf_counter() - started
    b = result.batch
    print(json.dumps({"households": b.households_created, "members": b.members_created, "seconds": seconds,
                      "errors": result.log.errors, "status": b.status}))


def child_baseline(dataset: str) -> None:
    """In a child process: save every row with Model.save() (history by signals), print timings."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    django.setup()
    from decimal import Decimal

    from django.db import transaction

    from mutakhir.registry.models import Household, Member

    started = time.perf_counter()
    pks, nh, nm = {}, 0, 0
    flags = HOUSEHOLD_HEADER[14:22]
    with (Path(dataset) / "households.csv").open(encoding="utf-8") as f, transaction.atomic():
        for row in csv.DictReader(f):
            values = {k: (int(v) if v else None) for k, v in row.items() if k in HOUSEHOLD_HEADER[6:14]}
            values |= {k: row[k] == "1" for k in flags}
            hh = Household(household_id=row["household_id"], region_id=row["region_code"], address=row["address"],
                           rt=row["rt"], rw=row["rw"], floor_area_m2=Decimal(row["floor_area_m2"]),
                           livestock=int(row["livestock"]), **values)
            hh.save()
            pks[hh.household_id] = hh.pk
            nh += 1
    with (Path(dataset) / "members.csv").open(encoding="utf-8") as f, transaction.atomic():
        for row in csv.DictReader(f):
            codes = {k: int(row[k]) for k in MEMBER_HEADER[8:] + ["sex"]}
            Member(record_id=row["record_id"], household_id=pks[row["household_id"]], nik=row["nik"], kk=row["kk"],
                   name=row["name"], birth_date=row["birth_date"], birth_place=row["birth_place"], **codes).save()
            nm += 1
    print(json.dumps({"households": nh, "members": nm, "seconds": time.perf_counter() - started}))


def main() -> None:
    parser = import_arguments(__doc__, members=1_000_000, baseline_members=10_000)
    parser.add_argument("--data", type=Path, help="Dataset folder (generated there when missing).")
    args = parser.parse_args()
    if args.child_import:
        return child_import(args.child_import)
    if args.child_baseline:
        return child_baseline(args.child_baseline)
    data, small = datasets(args.data or ROOT / "var" / "bench" / f"registry-{args.members}", args.members,
                           args.baseline_members)
    runs = (("registry import", "--child-import", data), ("save() per row", "--child-baseline", small))
    rows = [(backend, label, r["households"], r["members"], r["seconds"],
             (r["households"] + r["members"]) / r["seconds"], r["members"] / r["seconds"])
            for backend, label, r in measure(args.backends, runs)]
    print(f"{'backend':<11} {'method':<16} {'households':>10} {'members':>9} {'seconds':>8} {'rows/s':>8} "
          f"{'members/s':>9}")
    for backend, label, h, m, s, rps, mps in rows:
        print(f"{backend:<11} {label:<16} {h:>10,} {m:>9,} {s:>8.1f} {rps:>8,.0f} {mps:>9,.0f}")


if __name__ == "__main__":
    main()
