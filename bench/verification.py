"""Benchmark stage 3: import of ODK submissions, and the package export/import of an approved decree.

    .venv/bin/python bench/verification.py [--submissions 50000] [--members 500000] [--backend sqlite|postgresql]

Each phase runs in a child process on its own scratch database (var/bench/bench_verif_*.sqlite3 or
PostgreSQL mutakhir_bench_verif_*): "submissions" imports a JSON export through the same checks as the
web form; "district" builds accepted verifications (4 members per household) under an approved decree
and exports the package; "national" merges the package into a fresh registry. Prints one JSON line each.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from registry_import import ROOT, scratch

SUB = "190101"
HOUSEHOLD = {"address": "Jl. Bench 1", "tenure": 2, "floor_area_m2": 36.0, "floor_material": 8, "wall_material": 4,
             "roof_material": 3, "water_source": 5, "lighting": 4, "cooking_fuel": 10, "toilet": 6}


def members(i: int, n: int) -> list[dict]:
    out = [{"ref": f"M{i}-1", "status": "present", "name": f"Kepala {i}", "relation": 1, "sex": 1,
            "birth_date": "1980-01-01", "nik": f"1901010101{i % 10**6:06d}"}]
    out += [{"ref": f"M{i}-{k}", "status": "died" if k == 4 and i % 10 == 0 else "present", "name": f"Anak {i} {k}",
             "relation": 3, "sex": 1, "birth_date": "2010-01-01"} for k in range(2, n + 1)]
    return out


def _world(households: int, with_members: int):
    """Create households in the villages of one sub-district, one prelist per village, and the staff."""
    import datetime as dt

    from mutakhir.accounts.models import Role, User
    from mutakhir.identification.models import Prelist, PrelistEntry
    from mutakhir.regions.models import Region
    from mutakhir.registry.models import Household, Member, UpdatePeriod

    villages = list(Region.objects.filter(code__startswith=SUB, level=4).values_list("code", flat=True))
    period = UpdatePeriod.objects.create(region_id="1901", name="bench", starts_on=dt.date(2025, 1, 1))
    tksk = User.objects.create(username="tksk", role=Role.TKSK, region_id=SUB)
    operator = User.objects.create(username="op", role=Role.DISTRICT_OPERATOR, region_id="1901")
    prelists = {v: Prelist.objects.create(update_period=period, region_id=v, version=1, frozen_by=operator)
                for v in villages}
    Household.objects.bulk_create([Household(household_id=f"H{i}", region_id=villages[i % len(villages)])
                                   for i in range(households)], batch_size=5000)
    hh = dict(Household.objects.values_list("household_id", "pk"))
    Member.objects.bulk_create([Member(record_id=m["ref"], household_id=hh[f"H{i}"], name=m["name"],
                                       relation=m["relation"], sex=1, name_key=m["name"].upper())
                                for i in range(households) for m in members(i, with_members)], batch_size=5000)
    PrelistEntry.objects.bulk_create([PrelistEntry(prelist=prelists[villages[i % len(villages)]],
                                                   household_id=hh[f"H{i}"], category="changed")
                                      for i in range(households)], batch_size=5000)
    return tksk, operator, period


def child_submissions(n: int) -> dict:
    from mutakhir.identification.models import PrelistEntry
    from mutakhir.verification.odk_import import import_submissions

    _world(n, 4)
    rows = [{"prelist_id": str(e.prelist_id), "form_version": "1", "username": "tksk",
             "household": e.household.household_id, "outcome": "verified", "visited_on": "2025-02-01",
             "hh": HOUSEHOLD, "members": members(i, 4), "meta": {"instanceID": f"uuid:{i}"}}
            for i, e in enumerate(PrelistEntry.objects.select_related("household").order_by("pk"))]
    for row in rows:
        for m in row["members"]:
            m["nik"] = ""
    path = ROOT / "var" / "bench" / "verification-submissions.json"
    path.write_text(json.dumps(rows))
    started = time.perf_counter()
    result = import_submissions(path, "1")
    seconds = time.perf_counter() - started
    return {"phase": "submissions", "submissions": n, "applied": result.applied, "flagged": result.flagged,
            "seconds": round(seconds, 1), "per_second": round(n / seconds)}


def child_district(member_count: int) -> dict:
    import datetime as dt

    from django.utils import timezone

    from mutakhir.decrees.models import Decree, DecreeItem
    from mutakhir.decrees.package_export import export_package
    from mutakhir.identification.models import PrelistEntry
    from mutakhir.verification.models import Verification

    n = member_count // 4
    tksk, operator, period = _world(n, 4)
    now = timezone.now()
    entries = PrelistEntry.objects.select_related("prelist").order_by("pk")
    Verification.objects.bulk_create(
        [Verification(entry=e, region_id=e.prelist.region_id, verifier=tksk, status="accepted", outcome="verified",
                      answers={"household": HOUSEHOLD, "members": members(i, 4)}, visited_on=dt.date(2025, 2, 1),
                      reviewed_by=operator, reviewed_at=now) for i, e in enumerate(entries)], batch_size=5000)
    # The decree is marked approved directly: the bench measures the package, not the PDF of a huge annex.
    decree = Decree.objects.create(region_id="1901", update_period=period, number="BENCH/1", date=dt.date(2025, 3, 1),
                                   legal_basis="-", signer_name="Bupati", signer_title="Bupati", created_by=operator,
                                   status="approved", approved_by=operator, approved_at=now, pdf_sha256="0" * 64)
    DecreeItem.objects.bulk_create([DecreeItem(decree=decree, verification_id=pk)
                                    for pk in Verification.objects.values_list("pk", flat=True)], batch_size=5000)
    path = ROOT / "var" / "bench" / "verification-package.zip"
    started = time.perf_counter()
    manifest = export_package(decree, path)
    seconds = time.perf_counter() - started
    return {"phase": "package export", "households": manifest["files"]["households.csv"]["rows"],
            "members": manifest["files"]["members.csv"]["rows"], "seconds": round(seconds, 1),
            "mb": round(path.stat().st_size / 1e6, 1)}


def child_national() -> dict:
    from mutakhir.decrees.package_import import import_package
    from mutakhir.registry.models import Member

    started = time.perf_counter()
    result = import_package(ROOT / "var" / "bench" / "verification-package.zip")
    seconds = time.perf_counter() - started
    return {"phase": "package import", "members_in_registry": Member.objects.count(),
            "ended": Member.objects.filter(end_reason="died").count(), "counts": result.counts,
            "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
        django.setup()
        result = {"submissions": lambda: child_submissions(args.submissions),
                  "district": lambda: child_district(args.members), "national": child_national}[args.child]()
        print(json.dumps({"backend": args.backend, **result}))
        return
    for phase, db in (("submissions", "sub"), ("district", "district"), ("national", "national")):
        env = scratch(args.backend, f"bench_verif_{db}")
        out = subprocess.run([sys.executable, __file__, "--child", phase, "--submissions", str(args.submissions),
                              "--members", str(args.members), "--backend", args.backend], env=env,
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr[-3000:])
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
