"""Benchmark the civil-registry sync: planted deaths, moves, KK changes and NIK corrections, found or not.

Usage: .venv/bin/python bench/verivali/sync.py [--households 60000 | --full] [--work DIR] [--seed 1]

Synthesises a district (`mutakhir synth`), plants changes into its civil extract (synth/civil_changes.py,
with a truth file), then times in the same run:
- `sync`: the verivali engine (files in, findings out: read, normalise, link, find, write);
- `baseline`: an exact-NIK-only join (no name check, no search by name, so no NIK correction).
Prints wall and CPU seconds (CPU: this process, all threads; fairer on a loaded machine), recall and
precision per kind for both, with the load average. `--full` is 1,000,000 registry
members against a 2,000,000-person extract.
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")

import django  # noqa: E402

django.setup()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from mutakhir.engines import get_engine  # noqa: E402
from mutakhir.identification.linkage import io  # noqa: E402
from mutakhir.synth import civil_changes, generate  # noqa: E402
from mutakhir.synth.writer import write_dataset  # noqa: E402
from mutakhir.verivali import sync_engine  # noqa: E402

KINDS = ("death", "move", "kk_change", "nik_correction")
FULL_HOUSEHOLDS, FULL_PERSONS = 617_000, 2_000_000  # ~1.0 M registry members, 2.0 M extract rows
BASELINE_SQL = """
    SELECT r.record_id, k.kind, k.value AS proposed_value FROM reg r JOIN civ c ON c.nik = r.nik
    JOIN hh h ON h.household_id = r.household_id,
    LATERAL (SELECT * FROM (VALUES
        ('death', c.death_date, c.death_date IS NOT NULL AND c.death_date <> ''),
        ('move', c.region_code, coalesce(c.death_date, '') = '' AND substr(c.region_code, 1, 4)
                                <> substr(h.region_code, 1, 4)),
        ('kk_change', c.kk, coalesce(c.death_date, '') = '' AND substr(c.region_code, 1, 4)
                            = substr(h.region_code, 1, 4) AND c.kk <> r.kk)) v(kind, value, hit) WHERE hit) k"""


def prepare(work: Path, households: int, persons: int | None, seed: int) -> dict:
    """Synthesise the district and plant the changes (each skipped when `work` already holds it)."""
    if (work / "extract" / "members.csv").exists():
        return {}
    if not (work / "synth" / "registry" / "members.csv").exists():
        generate(households, seed, work / "synth", "19.01")
    members, hh = sync_engine.read_registry(work / "synth" / "registry")
    civil, _name = io.read_table(work / "synth" / "civil", "members", kind="civil")
    extract, truth, counts = civil_changes.plant(members, hh, civil, seed=seed, persons=persons)
    write_dataset(work / "extract", "civil_registry", {"members": extract})
    write_dataset(work / "truth", "truth", {"truth": truth})
    return counts


def timed(work_fn):
    """Return (wall seconds, CPU seconds of this process, all threads) of `work_fn()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    work_fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_sync(work: Path) -> None:
    members, households = sync_engine.read_registry(work / "synth" / "registry")
    inputs = sync_engine.SyncInputs(members, households, sync_engine.read_extract(work / "extract"))
    engine = get_engine("duckdb")
    sync_engine.find_changes(engine, inputs, district="1901")
    sync_engine.write_findings(engine, work / "out")
    engine.close()


def run_baseline(work: Path) -> None:
    engine = get_engine("duckdb")
    engine.load("reg", str(work / "synth" / "registry" / "members.csv"))
    engine.load("hh", str(work / "synth" / "registry" / "households.csv"))
    engine.load("civ", str(work / "extract" / "members.csv"))
    engine.export(BASELINE_SQL, str(work / "baseline.csv"))
    engine.close()


def score(work: Path, findings: Path) -> dict:
    """Return {kind: (truth, found, right)}: right = same member, kind and proposed value."""
    engine = get_engine("duckdb")
    engine.load("f", str(findings))
    engine.load("t", str(work / "truth" / "truth.csv"))
    rows = engine.fetch("""
        SELECT k.kind, (SELECT count(*) FROM t WHERE t.kind = k.kind), (SELECT count(*) FROM f WHERE f.kind = k.kind),
               (SELECT count(*) FROM f JOIN t USING (record_id, kind) WHERE f.kind = k.kind
                AND f.proposed_value = t.value)
        FROM (SELECT unnest(['death', 'move', 'kk_change', 'nik_correction']) AS kind) k""")
    engine.close()
    return {kind: (truth, found, right) for kind, truth, found, right in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 registry members, 2,000,000 extract rows")
    parser.add_argument("--work", default="", help="working folder (kept, and reused when it has the data)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    households, persons = (FULL_HOUSEHOLDS, FULL_PERSONS) if args.full else (args.households, None)
    work = Path(args.work or f"/tmp/verivali-sync-bench-{households}")
    started = time.perf_counter()
    counts = prepare(work, households, persons, args.seed)
    prepared = time.perf_counter() - started
    seconds = {"sync": timed(lambda: run_sync(work)), "baseline": timed(lambda: run_baseline(work))}
    load = os.getloadavg()
    members = sum(1 for _ in (work / "synth" / "registry" / "members.csv").open()) - 1
    rows = sum(1 for _ in (work / "extract" / "members.csv").open()) - 1
    table = Table(title=f"verivali sync: {members:,} registry members x {rows:,} extract rows "
                        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; data prepared in {prepared:.0f} s)")
    for column in ("method", "seconds", "CPU s", "kind", "truth", "found", "recall", "precision"):
        table.add_column(column, justify="right" if column not in ("method", "kind") else "left")
    for method, findings in (("sync", work / "out" / "findings.csv"), ("baseline", work / "baseline.csv")):
        for i, (kind, (truth, found, right)) in enumerate(score(work, findings).items()):
            recall = f"{right / truth:.3f}" if truth else "-"
            precision = f"{right / found:.3f}" if found else "-"
            wall, cpu = (f"{s:.1f}" for s in seconds[method]) if i == 0 else ("", "")
            table.add_row(method if i == 0 else "", wall, cpu, kind, f"{truth:,}",
                          f"{found:,}", recall, precision)
    Console().print(table)
    if counts:
        Console().print(f"planted: {counts['planted']}; bad input rows: {counts['duplicate_nik_rows']} duplicate NIK, "
                        f"{counts['outsider_rows']} of another district")


if __name__ == "__main__":
    main()
