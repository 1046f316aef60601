"""Small synthetic surveys and household files with a known linear welfare model."""

import csv

import numpy as np

REGIONS = ("1901", "1902", "1971")
HEADER = ["household_id", "region", "weight", "floor_area_m2", "floor_material", "has_car", "hh_size",
          "log_consumption_pc"]


def draw(n: int, seed: int, regions=REGIONS, shares=None) -> dict:
    """Return columns of n households and their log consumption."""
    rng = np.random.default_rng(seed)
    region = rng.choice(regions, n, p=shares)
    area = np.round(rng.lognormal(3.5, 0.5, n), 1)
    floor = rng.choice([1, 2, 6, 8], n, p=[0.1, 0.3, 0.4, 0.2])
    car = rng.integers(0, 2, n)
    size = rng.integers(1, 8, n)
    effect = np.select([floor == 1, floor == 2, floor == 8], [0.4, 0.2, -0.3], 0.0)
    y = 6 + 0.3 * np.log(area) + effect + 0.5 * car - 0.2 * np.log(size) + 0.2 * (region == "1902")
    y = y + rng.normal(0, 0.3, n)
    return {"household_id": [f"S{i:05d}" for i in range(n)], "region": region, "weight": 1 + rng.random(n),
            "floor_area_m2": area, "floor_material": floor, "has_car": car, "hh_size": size,
            "log_consumption_pc": y}


def write(path, columns: dict) -> str:
    """Write columns (equal-length sequences) as CSV; None or NaN becomes an empty cell."""
    names = list(columns)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(names)
        for row in zip(*(columns[n] for n in names), strict=True):
            out.writerow(["" if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in row])
    return str(path)


def survey(path, n: int = 600, seed: int = 1, **extra) -> str:
    """Write a survey CSV; `extra` adds or replaces columns."""
    return write(path, draw(n, seed) | extra)


def households(path, n: int = 200, seed: int = 2, **extra) -> str:
    """Write a household file (village region codes, no target) in the exchange-format spirit."""
    cols = draw(n, seed)
    cols["household_id"] = [f"H{i:05d}" for i in range(n)]
    cols["region_code"] = [r + "011001" for r in cols.pop("region")]
    for name in ("weight", "log_consumption_pc"):
        cols.pop(name)
    return write(path, cols | extra)


AREA_EFFECTS = (0.3, -0.3, 0.1, 0.0)  # sub-districts 01-04 of each district
SMALL_AREA = "190105"  # a sub-district with only a few survey households


def with_areas(cols: dict, seed: int, small: int = 0) -> dict:
    """Add `region_code` (village codes, 4 sub-districts per district) and shift log c by the sub-district effect.

    The first `small` rows of district 1901 move to SMALL_AREA, whose effect is 0.3 like sub-district 01.
    """
    rng = np.random.default_rng(seed)
    sub = rng.integers(1, len(AREA_EFFECTS) + 1, len(cols["region"]))
    district = np.asarray(cols["region"])
    sub[np.flatnonzero(district == "1901")[:small]] = 5
    cols["region_code"] = [f"{r}{s:02d}01{v:03d}" for r, s, v in zip(district, sub, rng.integers(1, 9, len(sub)),
                                                                       strict=True)]
    if "log_consumption_pc" in cols:
        cols["log_consumption_pc"] = cols["log_consumption_pc"] + np.array((*AREA_EFFECTS, 0.3))[sub - 1]
    return cols


def _read_scores(path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["household_id"]: row for row in csv.DictReader(handle)}


def scores_on_both_engines(model, data: str, folder, spark_session, **kwargs) -> dict:
    """Score `data` on DuckDB and on Spark, assert both agree row by row; return DuckDB's rows by household."""
    import pytest

    from mutakhir.engines import get_engine
    from mutakhir.ranking.score import score_households

    score_households(model, data, folder / "duck.csv", **kwargs)
    score_households(model, data, folder / "spark.csv", engine=get_engine("spark", spark=spark_session), **kwargs)
    duck, spark = _read_scores(folder / "duck.csv"), _read_scores(folder / "spark.csv")
    assert duck.keys() == spark.keys()
    for key, row in duck.items():
        other = spark[key]
        assert float(row["score"]) == pytest.approx(float(other["score"]), abs=1e-6)
        assert float(row["percentile"]) == pytest.approx(float(other["percentile"]), abs=1e-4)
        assert (row["desil"], row["region"], row["model_region"], row["flags"]) == (
            other["desil"], other["region"], other["model_region"], other["flags"])
    return duck
