"""One small synthetic district per test session (N ~ 2,000 households, about a second)."""

import csv
from pathlib import Path

import pytest

from mutakhir.synth import generate

N = 2000
SEED = 11


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return csv.DictReader(f).fieldnames or []


@pytest.fixture(scope="session")
def district(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "bangka"
    generate(N, SEED, out)
    return out


@pytest.fixture(scope="session")
def data(district):
    """All CSV files of the district, read once: {'registry/members': [rows...], ...}."""
    return {f"{p.parent.name}/{p.stem}": read(p) for p in sorted(district.glob("*/*.csv"))}
