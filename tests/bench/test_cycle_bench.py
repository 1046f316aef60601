"""bench/cycle.py runs end to end on a small demo district and times every step (so the benchmark does not rot)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_the_cycle_benchmark_times_every_step(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        from cycle import STEPS
    finally:
        sys.path.remove(str(BENCH))
    out = tmp_path / "results.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    subprocess.run([sys.executable, str(BENCH / "cycle.py"), "--households", "1000", "--verify", "20",
                    "--home", str(tmp_path / "home"), "--out", str(out)], env=env, check=True, capture_output=True,
                   timeout=900)
    rows = {line[:18].strip(): line[18:].split() for line in out.read_text().splitlines()[2:]}
    assert list(rows) == [*STEPS, "cycle total"]
    assert all(int(rows[step][0].replace(",", "")) > 0 for step in STEPS), rows  # every step did some work
