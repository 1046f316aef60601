"""Benchmark: draw a beneficiary list over N households (+ ~3.8 members each) with DuckDB.

Files: generates households, members and a scores file as Parquet with DuckDB range()/random(), then times
a household-only rule (the baseline) against PKH-style member criteria, with quotas per district.

App (--app N): the path the web page's background job takes, on a fresh SQLite database (or
--database-url) holding N households of Bangka with their members and one ranking run: the first list
copies the run to Parquet once (ranking/cache.py) and reads households and members from the registry; the
second reuses the copy; then the editor's preview of the same rule, and the registry's households and members
written to Parquet with every column a rule can read (the step dataset.py speeds up). Wall time, the process's
CPU time (all threads) and the load average are printed, since the machine is shared; on PostgreSQL a last
column gives the CPU time of the server process serving the benchmark (queries and COPY run there).

Usage: python bench/targeting.py [--sizes 1000000,10000000] [--threads 2] [--app 100000]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
RULES = {
    "household only": "desil <= 4 and floor_area_m2 < 60",
    "member criteria (PKH)": "desil <= 4 and any(member.pregnant = 1 or member.age < 6 or (member.age between 6 "
                             "and 18 and member.school_attendance = 1) or member.age >= 70 or member.disability != 0)",
}
HEADER = f"{'households':>12} {'members':>12} {'rule':<26} {'listed':>10} {'seconds':>8} {'CPU s':>7} {'load':>5}"
DB_HEADER = f" {'DB CPU s':>7}"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def db_cpu_seconds() -> float | None:
    """Return the CPU time of this process's PostgreSQL backend (COPY and queries run there), else None."""
    from django.db import connection

    if "DJANGO_SETTINGS_MODULE" not in os.environ or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def line(n, members, label, listed, started, cpu, db=None) -> str:
    listed = f"{listed:>10,}" if listed != "" else f"{'':>10}"
    db_cpu = f" {db_cpu_seconds() - db:>7.1f}" if db is not None else ""
    return (f"{n:>12,} {members:>12,} {label:<26} {listed} {time.perf_counter() - started:>8.1f} "
            f"{cpu_seconds() - cpu:>7.1f} {os.getloadavg()[0]:>5.1f}{db_cpu}")


def generate(folder: Path, n: int, threads: int) -> int:
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute(f"""COPY (SELECT 'H' || lpad(CAST(i AS VARCHAR), 9, '0') AS household_id,
        '19' || lpad(CAST(1 + i % 7 AS VARCHAR), 2, '0') || '01' || '1001' AS region_code,
        CAST(15 + random() * 90 AS DOUBLE) AS floor_area_m2,
        CAST(2 + i % 4 + CASE WHEN i % 10 < 3 THEN 1 ELSE 0 END AS INTEGER) AS n
      FROM range({n}) t(i)) TO '{folder}/households.parquet' (FORMAT PARQUET)""")
    con.execute(f"""COPY (SELECT household_id || '-' || CAST(k AS VARCHAR) AS record_id, household_id,
        DATE '2026-01-01' - CAST(floor(random() * 85 * 365) AS INTEGER) AS birth_date,
        CASE WHEN random() < 0.02 THEN 1 ELSE 0 END AS pregnant,
        CAST(floor(random() * 3) AS INTEGER) AS school_attendance,
        CASE WHEN random() < 0.03 THEN 3 ELSE 0 END AS disability
      FROM read_parquet('{folder}/households.parquet'), range(n) r(k)) TO '{folder}/members.parquet'
      (FORMAT PARQUET)""")
    con.execute(f"""COPY (SELECT household_id, score, 100e0 * rank() OVER (ORDER BY score) / {n} AS percentile,
        CAST(CEIL(10e0 * rank() OVER (ORDER BY score) / {n}) AS INTEGER) AS desil,
        100e0 * rank() OVER (ORDER BY score) / {n} AS region_percentile
      FROM (SELECT household_id, round(random() * 5 + 10, 6) AS score FROM read_parquet('{folder}/households.parquet')))
      TO '{folder}/scores.parquet' (FORMAT PARQUET)""")
    members = con.execute(f"SELECT COUNT(*) FROM read_parquet('{folder}/members.parquet')").fetchone()[0]
    con.close()
    return members


def files(sizes: list[int], threads: int) -> None:
    from mutakhir.engines.duckdb import DuckDBEngine
    from mutakhir.targeting.lists import run_list
    from mutakhir.targeting.rules import parse
    from mutakhir.targeting.sql import ListSpec

    print(f"files, DuckDB with {threads} threads; {os.cpu_count()} cores")
    print(HEADER)
    for n in sizes:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            folder = Path(tmp)
            started, cpu = time.perf_counter(), cpu_seconds()
            members = generate(folder, n, threads)
            print(line(n, members, "(generate data)", "", started, cpu), flush=True)
            quotas = {f"19{d:02d}": n // 40 for d in range(1, 8)}
            for label, rule in RULES.items():
                engine = DuckDBEngine(threads=threads)
                started, cpu = time.perf_counter(), cpu_seconds()
                spec = ListSpec(parse(rule), quotas=quotas, near=20, as_of=date(2026, 11, 1))
                summary = run_list(spec, folder / "scores.parquet", folder / "households.parquet",
                                   folder / "members.parquet", folder / "out", engine=engine, formats=("csv",))
                engine.close()
                print(line(n, members, label, summary["households"], started, cpu), flush=True)


def fill_registry(n: int) -> tuple[object, int]:
    """Create Bangka's regions, n households with ~3.8 members each, and one national ranking run."""
    import random

    from django.core.management import call_command

    from mutakhir.ranking.models import RankingResult, RankingRun
    from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows
    from mutakhir.regions.models import Region
    from mutakhir.registry.models import Household, Member

    call_command("migrate", verbosity=0)
    load_regions(lokal_rows("19"), LOKAL_SOURCE)
    villages = list(Region.objects.filter(code__startswith="1901", code__regex=r"^\d{10}$").values_list("code",
                                                                                                       flat=True))
    rng = random.Random(1)
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb",
                                    source="bench", households=n)
    members = 0
    for start in range(0, n, 10_000):
        ids = [f"H{i:09d}" for i in range(start, min(n, start + 10_000))]
        Household.objects.bulk_create(Household(household_id=h, region_id=rng.choice(villages),
                                                floor_area_m2=rng.randint(15, 105)) for h in ids)
        pks = dict(Household.objects.filter(household_id__in=ids).values_list("household_id", "pk"))
        batch = [Member(record_id=f"{h}-{k}", household_id=pks[h], name="Warga", name_key="warga", relation=1,
                        birth_date=date(2026 - rng.randint(0, 85), rng.randint(1, 12), rng.randint(1, 28)),
                        pregnant=int(rng.random() < 0.02), school_attendance=rng.randint(0, 2),
                        disability=3 if rng.random() < 0.03 else 0)
                 for h in ids for k in range(2 + int(h[1:]) % 4 + (int(h[1:]) % 10 < 3))]
        Member.objects.bulk_create(batch, batch_size=5000)
        members += len(batch)
        RankingResult.objects.bulk_create(
            RankingResult(run=run, household_id=h, score=s, percentile=100 * s, desil=1 + int(10 * s * 0.999),
                          region_percentile=100 * s, region="1901", model_region="*")
            for h, s in ((h, rng.random()) for h in ids))
    return run, members


def app(n: int, database_url: str | None) -> None:
    """Time the web page's path (the job's work) on a registry of n households: first draw, then a second."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["MUTAKHIR_HOME"] = tmp  # media (the run's Parquet copy) under tmp/var/media
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")
        import django

        django.setup()
        from mutakhir.targeting import services
        from mutakhir.targeting.dataset import write_run_dataset

        started, cpu = time.perf_counter(), cpu_seconds()
        run, members = fill_registry(n)
        engine = "SQLite" if "sqlite" in os.environ["DATABASE_URL"] else "PostgreSQL"
        print(f"app path on {engine}, one district (Bangka); {os.cpu_count()} cores")
        print(HEADER + (DB_HEADER if engine == "PostgreSQL" else ""))
        print(line(n, members, "(fill the registry)", "", started, cpu), flush=True)
        program = services.do_create_program("PKH", RULES["member criteria (PKH)"], "household")
        for label in ("first list (copies the run)", "second list (copy reused)"):
            started, cpu, db = time.perf_counter(), cpu_seconds(), db_cpu_seconds()
            blist = services.do_build_list(program.current, run, quotas={"1901": n // 5})
            print(line(n, members, label, blist.summary["households"], started, cpu, db), flush=True)
        started, cpu, db = time.perf_counter(), cpu_seconds(), db_cpu_seconds()
        summary = services.preview(RULES["member criteria (PKH)"], "household", run)
        print(line(n, members, "preview (PKH, in request)", summary["households"], started, cpu, db), flush=True)
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as out:
            started, cpu, db = time.perf_counter(), cpu_seconds(), db_cpu_seconds()
            write_run_dataset(run, Path(out))
            print(line(n, members, "registry to Parquet (all)", "", started, cpu, db), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000", help="file sizes; empty skips them")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--app", type=int, default=0, help="households of the app-path run (0 skips it)")
    parser.add_argument("--database-url", help="for --app: an empty database to fill (default: SQLite in a temp dir)")
    args = parser.parse_args()
    if args.app:
        app(args.app, args.database_url)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")
    import django

    django.setup()
    files([int(s) for s in args.sizes.split(",") if s], args.threads)


if __name__ == "__main__":
    main()
