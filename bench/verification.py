"""Benchmark stage 3: import of ODK submissions, the decree with a large annex, and the package.

    .venv/bin/python bench/verification.py [--submissions 50000] [--baseline 1000] [--members 500000]
        [--annex 125000] [--annex-table 2000] [--backend sqlite|postgresql] [--phases baseline,submissions,...]

Each phase runs in a child process on its own scratch database (var/bench/bench_verif_*.sqlite3 or
PostgreSQL mutakhir_bench_verif_*):
- "baseline": the row-by-row path (every submission assigned and submitted through the services in its own
  savepoint, as in session 1) on `--baseline` submissions;
- "submissions": the batched import of `--submissions` (same checks; every head has a NIK, so the
  "member in two households" checks run);
- "annex": a decree of `--annex` accepted verifications approved (PDF + XLSX annex), peak memory;
- "annex-table": WeasyPrint rendering the whole annex as a PDF table, on `--annex-table` rows;
- "district": accepted verifications (4 members per household) under an approved decree, package export;
- "national": the package merged into a fresh registry.
Prints one JSON line per phase, then a table with the load average.
"""

import argparse
import datetime as dt
import json
import os
import resource
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


def _submission_file(n: int):
    from mutakhir.identification.models import PrelistEntry

    _world(n, 4)
    rows = [{"prelist_id": str(e.prelist_id), "form_version": "1", "username": "tksk",
             "household": e.household.household_id, "outcome": "verified", "visited_on": "2025-02-01",
             "hh": HOUSEHOLD, "members": members(i, 4), "meta": {"instanceID": f"uuid:{i}"}}
            for i, e in enumerate(PrelistEntry.objects.select_related("household").order_by("pk"))]
    path = ROOT / "var" / "bench" / f"verification-submissions-{n}.json"
    path.write_text(json.dumps(rows))
    return path


def child_submissions(n: int, row_by_row: bool = False) -> dict:
    from django.db import IntegrityError

    from mutakhir.verification import odk_apply
    from mutakhir.verification.odk_import import import_submissions

    path = _submission_file(n)
    if row_by_row:
        def per_row(*args):
            raise IntegrityError("bench: take the row-by-row path")
        odk_apply._write_batch = per_row
    started = time.perf_counter()
    result = import_submissions(path, "1")
    seconds = time.perf_counter() - started
    return {"phase": "baseline" if row_by_row else "submissions", "rows": n, "applied": result.applied,
            "flagged": result.flagged, "seconds": round(seconds, 1), "rate": f"{n / seconds:.0f}/s"}


def _accepted(n: int):
    """Create `n` households with accepted verifications (4 members each); return the period and operator."""
    from django.utils import timezone

    from mutakhir.identification.models import PrelistEntry
    from mutakhir.verification.models import Verification

    tksk, operator, period = _world(n, 4)
    now = timezone.now()
    entries = PrelistEntry.objects.select_related("prelist").order_by("pk")
    Verification.objects.bulk_create(
        [Verification(entry=e, region_id=e.prelist.region_id, verifier=tksk, status="accepted", outcome="verified",
                      answers={"household": HOUSEHOLD, "members": members(i, 4)}, visited_on=dt.date(2025, 2, 1),
                      reviewed_by=operator, reviewed_at=now) for i, e in enumerate(entries)], batch_size=5000)
    return period, operator


def child_annex(n: int) -> dict:
    from mutakhir.decrees.services import do_approve_decree, do_compile_decree

    period, operator = _accepted(n)
    decree = do_compile_decree(district="1901", period=period, number="BENCH/ANNEX", date=dt.date(2025, 3, 1),
                               legal_basis="-", signer_name="Bupati", signer_title="Bupati", actor=operator)
    started = time.perf_counter()
    decree = do_approve_decree(decree, actor=operator)
    seconds = time.perf_counter() - started
    return {"phase": "annex", "rows": n, "seconds": round(seconds, 1), "rate": f"{n / seconds:.0f}/s",
            "pdf_kb": len(decree.pdf) // 1024, "annex_kb": len(decree.annex) // 1024, "peak_mb": _peak_mb()}


def child_annex_table(n: int) -> dict:
    from mutakhir.decrees.pdf import render_pdf
    from mutakhir.decrees.services import do_compile_decree

    period, operator = _accepted(n)
    decree = do_compile_decree(district="1901", period=period, number="BENCH/TABLE", date=dt.date(2025, 3, 1),
                               legal_basis="-", signer_name="Bupati", signer_title="Bupati", actor=operator)
    started = time.perf_counter()
    pdf = render_pdf(decree, full_table=True)
    seconds = time.perf_counter() - started
    return {"phase": "annex-table", "rows": n, "seconds": round(seconds, 1), "rate": f"{n / seconds:.0f}/s",
            "pdf_kb": len(pdf) // 1024, "peak_mb": _peak_mb()}


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def child_district(member_count: int) -> dict:
    from django.utils import timezone

    from mutakhir.core.management.commands.demo import trust_demo_key
    from mutakhir.decrees.models import Decree, DecreeItem
    from mutakhir.decrees.package_export import export_package
    from mutakhir.verification.models import Verification

    period, operator = _accepted(member_count // 4)
    now = timezone.now()
    # The decree is marked approved directly: the "annex" phase measures the approval and its files.
    decree = Decree.objects.create(region_id="1901", update_period=period, number="BENCH/1", date=dt.date(2025, 3, 1),
                                   legal_basis="-", signer_name="Bupati", signer_title="Bupati", created_by=operator,
                                   status="approved", approved_by=operator, approved_at=now, pdf_sha256="0" * 64)
    DecreeItem.objects.bulk_create([DecreeItem(decree=decree, verification_id=pk)
                                    for pk in Verification.objects.values_list("pk", flat=True)], batch_size=5000)
    path = ROOT / "var" / "bench" / "verification-package.zip"
    trust_demo_key("1901")  # the district signs its package (its key lives in var/keys/)
    started = time.perf_counter()
    manifest = export_package(decree, path)
    seconds = time.perf_counter() - started
    rows = manifest["files"]["members.csv"]["rows"]
    return {"phase": "package export", "rows": rows, "seconds": round(seconds, 1), "rate": f"{rows / seconds:.0f}/s",
            "households": manifest["files"]["households.csv"]["rows"], "mb": round(path.stat().st_size / 1e6, 1)}


def child_national() -> dict:
    from mutakhir.core import signing
    from mutakhir.registry.models import Member
    from mutakhir.registry.packages.keys import trust_key
    from mutakhir.registry.packages.merge import import_package

    trust_key("1901", signing.public_key("1901"))  # the national side trusts the district's key
    started = time.perf_counter()
    result = import_package(ROOT / "var" / "bench" / "verification-package.zip")
    seconds = time.perf_counter() - started
    rows = Member.objects.count()
    return {"phase": "package import", "rows": rows, "seconds": round(seconds, 1), "rate": f"{rows / seconds:.0f}/s",
            "ended": Member.objects.filter(end_reason="died").count(), "counts": result.counts}


PHASES = ("baseline", "submissions", "annex", "annex-table", "district", "national")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--annex", type=int, default=125_000)
    parser.add_argument("--annex-table", type=int, default=2000)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings")
        django.setup()
        result = {"baseline": lambda: child_submissions(args.baseline, row_by_row=True),
                  "submissions": lambda: child_submissions(args.submissions),
                  "annex": lambda: child_annex(args.annex), "annex-table": lambda: child_annex_table(args.annex_table),
                  "district": lambda: child_district(args.members), "national": child_national}[args.child]()
        print(json.dumps({"backend": args.backend, **result}, default=str))
        return
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = []
    for phase in [p for p in PHASES if p in args.phases.split(",")]:
        env = scratch(args.backend, f"bench_verif_{phase.replace('-', '_')}")
        out = subprocess.run([sys.executable, __file__, "--child", phase, *sys.argv[1:]], env=env,
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr[-3000:])
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(out.stdout.strip().splitlines()[-1], f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\n{args.backend}, load average after: {os.getloadavg()}")
    print(f"{'phase':<16}{'rows':>10}{'seconds':>10}{'rate':>10}  peak MB")
    for r in results:
        print(f"{r['phase']:<16}{r['rows']:>10,}{r['seconds']:>10}{r['rate']:>10}  {r.get('peak_mb', '')}")


if __name__ == "__main__":
    main()
