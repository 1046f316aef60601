"""Benchmark `mutakhir synth`: 10k (baseline) and 100k households; 1M with --full.

Usage: .venv/bin/python bench/synth.py [--full] [--seed 1]
Prints households, persons, seconds, and rows/s (all CSV rows written, every dataset, per second).
"""

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutakhir.config.settings_test")

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from mutakhir.synth import generate  # noqa: E402


def rows_written(out: Path) -> int:
    total = 0
    for manifest in out.glob("*/manifest.json"):
        total += sum(f["rows"] for f in json.loads(manifest.read_text())["files"].values())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also run 1,000,000 households")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [10_000, 100_000] + ([1_000_000] if args.full else [])
    table = Table(title="mutakhir synth")
    for column in ("households", "persons", "seconds", "rows written", "rows/s"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        for n in sizes:
            out = Path(tmp) / str(n)
            summary = generate(n, args.seed, out)
            rows = rows_written(out)
            table.add_row(f"{n:,}", f"{summary['persons']:,}", f"{summary['seconds']:.2f}", f"{rows:,}",
                          f"{rows / summary['seconds']:,.0f}")
            shutil.rmtree(out)
    Console().print(table)


if __name__ == "__main__":
    main()
