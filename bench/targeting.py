"""Benchmark: draw a beneficiary list over N households (+ ~3.8 members each) with DuckDB.

Generates households, members and a scores file as Parquet with DuckDB range()/random(), then times a
household-only rule (the baseline) against PKH-style member criteria, with quotas per district.
Usage: python bench/targeting.py [--sizes 1000000,10000000] [--threads 2]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import django
import duckdb

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
django.setup()

from mutakhir.engines.duckdb import DuckDBEngine  # noqa: E402
from mutakhir.targeting.lists import run_list  # noqa: E402
from mutakhir.targeting.rules import parse  # noqa: E402
from mutakhir.targeting.sql import ListSpec  # noqa: E402

RULES = {
    "household only": "desil <= 4 and floor_area_m2 < 60",
    "member criteria (PKH)": "desil <= 4 and any(member.pregnant = 1 or member.age < 6 or (member.age between 6 "
                             "and 18 and member.school_attendance = 1) or member.age >= 70 or member.disability != 0)",
}


def generate(folder: Path, n: int, threads: int) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"{'households':>12} {'members':>12} {'rule':<24} {'listed':>10} {'seconds':>8}")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            members = generate(folder, n, args.threads)
            print(f"{n:>12,} {members:>12,} {'(generate data)':<24} {'':>10} {time.perf_counter() - started:>8.1f}")
            quotas = {f"19{d:02d}": n // 40 for d in range(1, 8)}
            for label, rule in RULES.items():
                engine = DuckDBEngine(threads=args.threads)
                started = time.perf_counter()
                spec = ListSpec(parse(rule), quotas=quotas, near=20, as_of=date(2026, 11, 1))
                summary = run_list(spec, folder / "scores.parquet", folder / "households.parquet",
                                   folder / "members.parquet", folder / "out", engine=engine, formats=("csv",))
                engine.close()
                print(f"{n:>12,} {members:>12,} {label:<24} {summary['households']:>10,} "
                      f"{time.perf_counter() - started:>8.1f}")


if __name__ == "__main__":
    main()
