"""Benchmark verivali's administrative signals: flag recall and precision on planted contradictions, and speed.

    .venv/bin/python bench/verivali/signals.py [--members 1000000] [--backends sqlite,postgresql]

For each backend: a scratch database (var/bench/bench_verivali_signals.sqlite3, or PostgreSQL database
mutakhir_bench_verivali_signals, dropped and created) with province 19's regions; `mutakhir.synth.signals`
builds a registry of N members in Kabupaten Bangka with a desil per household (one ranking run), four
agency extracts (PLN, Samsat, payroll, BPJS: a few hundred thousand rows with people outside the
registry and the district, mistyped NIKs, duplicates) and the truth of the planted contradictions.
Each extract is imported through the app's importer as a district operator of 19.01 would (streaming,
row problems, flags), and the flags are scored against the truth. Baselines, same run: the naive rule
"flag every registry household an agency lists with a wealth sign" (PLN >= 1,300 VA, any car, on the
payroll, paid insurance) for quality, and a per-row ORM lookup of the NIK (10,000 rows) for speed.
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry_import import run_child, scratch  # noqa: E402

NAME = "bench_verivali_signals"
DISTRICT = "1901"
HEADERS = {"electricity": ["nik", "no_kk", "idpel", "tarif", "daya_va"],
           "vehicle": ["nik", "no_kk", "jumlah_mobil", "jumlah_motor", "cc_mobil_terbesar", "cc_motor_terbesar"],
           "payroll": ["nik", "no_kk", "jenis", "golongan", "instansi"],
           "health": ["nik", "no_kk", "segmen", "kelas", "status"]}
BASELINE_ROWS = 10_000
COUNTS = ("rows", "applied", "unmatched", "rejected", "flags")
WEALTH = {"electricity": lambda r: int(r[4]) >= 1300, "vehicle": lambda r: int(r[2]) > 0, "payroll": lambda r: True,
          "health": lambda r: r[2] != "PBI"}


def _insert(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _load_registry(world) -> None:
    """Insert the households, members and one ranking run with raw SQL (no history rows), in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from mutakhir.ranking.models import RankingRun
    from mutakhir.registry.models import Household, name_key

    now = timezone.now()
    with transaction.atomic():
        _insert("registry_household", ["household_id", "region_code", "address", "rt", "rw", "electricity_power",
                                       "lighting", "has_car", "has_motorcycle", "end_reason", "version", "created_at",
                                       "updated_at"],
                [(hid, village, "", "", "", power, lighting, car, motorcycle, "", 1, now, now)
                 for hid, village, power, lighting, car, motorcycle in world.households])
        pks = dict(Household.objects.values_list("household_id", "pk"))
        _insert("registry_member", ["record_id", "household_id", "nik", "kk", "name", "name_key", "birth_place",
                                    "relation", "work_status", "end_reason", "version", "created_at", "updated_at"],
                [(record, pks[hid], nik, kk, name, name_key(name), "", relation, work, "", 1, now, now)
                 for record, hid, nik, kk, name, relation, work in world.members])
        run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="bench",
                                        source="bench", households=len(world.desil), inputs_sha256="1" * 64)
        village = {h[0]: h[1] for h in world.households}
        _insert("ranking_rankingresult", ["run_id", "household_id", "score", "percentile", "desil", "region_percentile",
                                          "region", "model_region", "flags", "household_region"],
                [(run.pk, hid, 0.0, d * 10.0 - 5, d, 50.0, DISTRICT, DISTRICT, "", village[hid])
                 for hid, d in world.desil.items()])


def _write(folder: Path, world) -> dict[str, Path]:
    paths = {}
    for agency, rows in world.extracts.items():
        paths[agency] = folder / f"{agency}.csv"
        with paths[agency].open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(HEADERS[agency])
            writer.writerows(rows)
    return paths


def _score(found: set, truth: set) -> dict:
    hit = len(found & truth)
    return {"planted": len(truth), "flagged": len(found), "found": hit,
            "recall": hit / len(truth) if truth else None, "precision": hit / len(found) if found else None}


def _naive(world) -> tuple[set, float]:
    """The baseline: every registry household an agency lists with a wealth sign, whatever its record says."""
    started = time.perf_counter()
    by_nik = {m[2]: m[1] for m in world.members}
    by_kk = {m[3]: m[1] for m in world.members}
    found = set()
    for agency, rows in world.extracts.items():
        for row in rows:
            hid = by_nik.get(row[0]) if row[0] else by_kk.get(row[1])
            if hid and WEALTH[agency](row):
                found.add(hid)
    return found, time.perf_counter() - started


def _per_row_lookup(path: Path) -> tuple[int, float]:
    from mutakhir.registry.models import Member

    started, n = time.perf_counter(), 0
    with path.open(encoding="utf-8") as f:
        for row in list(csv.reader(f))[1:BASELINE_ROWS + 1]:
            Member.objects.filter(nik=row[0], ended_at__isnull=True).values_list("household_id", flat=True).first()
            n += 1
    return n, time.perf_counter() - started


def child(members: int) -> None:
    """In a child process on the scratch database: generate, load, import, score; print JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
    django.setup()
    from mutakhir.regions.models import Region
    from mutakhir.synth.signals import generate
    from mutakhir.verivali.models import SignalFlag
    from mutakhir.verivali.signals import services

    villages = sorted(Region.objects.filter(level=4, code__startswith=DISTRICT).values_list("code", flat=True))
    started = time.perf_counter()
    world = generate(villages, members)
    out = {"generate": time.perf_counter() - started, "households": len(world.households),
           "members": len(world.members)}
    started = time.perf_counter()
    _load_registry(world)
    out["load"] = time.perf_counter() - started
    out["imports"] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write(Path(tmp), world)
        for agency, path in paths.items():
            started = time.perf_counter()
            sha = services.check_import(agency, path, DISTRICT)
            imp = services.do_import(services.do_create_import(None, agency, path.name, sha, DISTRICT), path)
            out["imports"].append({"agency": agency, "seconds": time.perf_counter() - started,
                                   **{k: getattr(imp, k) for k in COUNTS}})
        out["lookup_rows"], out["lookup_seconds"] = _per_row_lookup(paths["electricity"])
    flags = set(SignalFlag.objects.values_list("household__household_id", "rule"))
    out["rules"] = {rule: _score({f for f in flags if f[1] == rule}, {t for t in world.truth if t[1] == rule})
                    for rule in SignalFlag.Rule.values}
    out["pairs"] = _score(flags, world.truth)
    truth_households = {hid for hid, _rule in world.truth}
    out["households_scored"] = _score({hid for hid, _rule in flags}, truth_households)
    naive, seconds = _naive(world)
    out["naive"] = _score(naive, truth_households) | {"seconds": seconds}
    print(json.dumps(out))


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


def report(backend: str, r: dict) -> None:
    print(f"\n{backend}: {r['households']:,} households, {r['members']:,} members "
          f"(generated in {r['generate']:.1f} s, loaded in {r['load']:.1f} s)")
    print(f"{'extract':<12} {'rows':>9} {'applied':>9} {'unmatched':>9} {'problems':>9} {'flags':>7} {'seconds':>8} "
          f"{'rows/s':>8}")
    total_rows = total_seconds = 0
    for i in r["imports"]:
        total_rows, total_seconds = total_rows + i["rows"], total_seconds + i["seconds"]
        print(f"{i['agency']:<12} {i['rows']:>9,} {i['applied']:>9,} {i['unmatched']:>9,} {i['rejected']:>9,} "
              f"{i['flags']:>7,} {i['seconds']:>8.1f} {i['rows'] / i['seconds']:>8,.0f}")
    print(f"{'all':<12} {total_rows:>9,} {'':>9} {'':>9} {'':>9} {'':>7} {total_seconds:>8.1f} "
          f"{total_rows / total_seconds:>8,.0f}")
    print(f"{'BASELINE per-row ORM NIK lookup':<52} {r['lookup_rows']:>7,} {r['lookup_seconds']:>8.1f} "
          f"{r['lookup_rows'] / r['lookup_seconds']:>8,.0f}")
    print(f"\n{'rule':<16} {'planted':>8} {'flagged':>8} {'found':>8} {'recall':>8} {'precision':>10}")
    for rule, s in [*r["rules"].items(), ("all (pairs)", r["pairs"]), ("households", r["households_scored"]),
                    ("BASELINE naive", r["naive"])]:
        print(f"{rule:<16} {s['planted']:>8,} {s['flagged']:>8,} {s['found']:>8,} {_pct(s['recall']):>8} "
              f"{_pct(s['precision']):>10}")
    print(f"(naive baseline: households, exact NIK/KK join in memory, {r['naive']['seconds']:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.members)
        return
    for backend in args.backends.split(","):
        load = os.getloadavg()
        result = run_child(scratch(backend, NAME), "--child", "--members", str(args.members), script=__file__)
        report(backend, result)
        print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
