"""Benchmark `mutakhir match` on synthetic ground truth, beside two baselines, in one run.

Usage: .venv/bin/python bench/linkage.py [--households 20000] [--seed 1] [--work DIR] [--civil]

Configurations: `exact NIK` (a person links only on an equal NIK), `plain Splink` (no Indonesian
normalisation, NIK by edit distance) and `mutakhir` (the shipped model). Each runs in its own process
so that its wall time (training included) and peak RSS are its own. The figures come from
/work/shared/bench/score_linkage.py (or $SCORE_LINKAGE).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")

SCORER = os.environ.get("SCORE_LINKAGE", "/work/shared/bench/score_linkage.py")
CONFIGS = {"exact NIK": "exact", "plain Splink": "plain", "mutakhir": "indonesian"}


def exact_nik(data: Path, out: Path) -> None:
    """Link people on equal (16-digit, unique in the registry) NIKs only, then decide households."""
    import duckdb

    from mutakhir.identification.linkage.households import Pair
    from mutakhir.identification.linkage.run import decide_households, read_inputs, write_results

    tables = read_inputs(data / "registrations", data / "registry", None)
    con = duckdb.connect()
    reg, bdt = tables["reg_members"], tables["bdt_members"]  # noqa: F841 (DuckDB reads them)
    rows = con.execute("""
        SELECT r.record_id, b.record_id, r.household_id, b.household_id
        FROM reg r JOIN (SELECT * FROM bdt QUALIFY count(*) OVER (PARTITION BY nik) = 1) b USING (nik)
        WHERE regexp_matches(r.nik, '^[0-9]{16}$')""").fetchall()
    pairs = [Pair(*row, 1.0, 60.0) for row in rows]  # certain: 60 bits of evidence
    write_results(out, tables, decide_households(tables, pairs), pairs, {}, "duckdb")


def run_one(variant: str, data: Path, out: Path, civil: bool) -> None:
    """Run one configuration in this process (the child)."""
    import django

    django.setup()
    if variant == "exact":
        exact_nik(data, out)
        return
    from mutakhir.identification.linkage.run import match

    match(data / "registrations", data / "registry", out, civil=data / "civil" if civil else None, variant=variant)


def measure(variant: str, data: Path, out: Path, civil: bool) -> tuple[float, float]:
    """Return (seconds, peak RSS in MB) of one configuration run in a child process."""
    cmd = [sys.executable, __file__, "--child", variant, "--work", str(data), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd + (["--civil"] if civil else []))
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{variant} failed (status {status})")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="folder for the synthetic data and the results")
    parser.add_argument("--civil", action="store_true", help="also check the civil registry (mutakhir only)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.work, args.out, args.civil)
        return
    from rich.console import Console
    from rich.table import Table

    work = args.work or Path(f"/tmp/linkage-bench-{args.households}-{args.seed}")
    if not (work / "truth" / "households.csv").exists():
        import django

        django.setup()
        from mutakhir.synth.generate import generate

        generate(args.households, args.seed, work)
    sizes = {name: sum(1 for _ in (work / name / "members.csv").open()) - 1 for name in ("registrations", "registry")}
    n_households = sum(1 for _ in (work / "registrations" / "households.csv").open()) - 1
    title = (f"synth {args.households:,} households (seed {args.seed}): {n_households:,} registrations "
             f"({sizes['registrations']:,} people) against a registry of {sizes['registry']:,} people")
    table = Table(title=title)
    for column in ("configuration", "category acc.", "member P", "member R", "household P", "household R",
                   "seconds", "peak RSS MB"):
        table.add_column(column, justify="right")
    for label, variant in CONFIGS.items():
        out = work / f"out-{variant}"
        seconds, rss = measure(variant, work, out, args.civil and variant == "indonesian")
        scores = json.loads(subprocess.run([sys.executable, SCORER, str(work / "truth"), str(out)],
                                           capture_output=True, text=True, check=True).stdout)
        table.add_row(label, f"{scores['category_accuracy']:.2%}", f"{scores['member_link_precision']:.2%}",
                      f"{scores['member_link_recall']:.2%}", f"{scores['household_link_precision']:.2%}",
                      f"{scores['household_link_recall']:.2%}", f"{seconds:.1f}", f"{rss:,.0f}")
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
