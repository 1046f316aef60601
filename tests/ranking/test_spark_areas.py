"""DuckDB and Spark give the same scores from one model file with area offsets (tests/engines/test_spark.py
checks the same without them)."""

import csv

import pytest

from mutakhir.engines import get_engine
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.score import score_households

from .conftest import settings
from .data import draw, with_areas, write

pytestmark = pytest.mark.spark


def read(path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["household_id"]: row for row in csv.DictReader(handle)}


def test_it_scores_area_offsets_the_same_on_duckdb_and_spark(spark_session, tmp_path):
    survey = write(tmp_path / "survey.csv", with_areas(draw(500, 1), 4))
    model = fit_pmt(survey, settings(folds=2, area_column="region_code", area_digits=6))
    cols = with_areas(draw(150, 9, regions=("1901", "1902", "1971", "3201")), 5)
    cols["household_id"] = [f"H{i:04d}" for i in range(150)]
    cols["region_code"] = ["19.71.09.0001" if i % 19 == 0 else v for i, v in enumerate(cols["region_code"])]
    cols["floor_area_m2"] = [None if i % 23 == 0 else v for i, v in enumerate(cols["floor_area_m2"])]
    for name in ("weight", "log_consumption_pc", "region"):
        cols.pop(name)
    data = write(tmp_path / "h.csv", cols)
    kwargs = {"region_column": "region_code", "persons_column": "hh_size"}
    score_households(model, data, tmp_path / "duck.csv", **kwargs)
    score_households(model, data, tmp_path / "spark.csv", engine=get_engine("spark", spark=spark_session), **kwargs)
    duck, spark = read(tmp_path / "duck.csv"), read(tmp_path / "spark.csv")
    assert duck.keys() == spark.keys() and len(duck) == 150
    for key, row in duck.items():
        other = spark[key]
        assert float(row["score"]) == pytest.approx(float(other["score"]), abs=1e-6)
        assert float(row["percentile"]) == pytest.approx(float(other["percentile"]), abs=1e-4)
        assert (row["desil"], row["region"], row["model_region"], row["flags"]) == (
            other["desil"], other["region"], other["model_region"], other["flags"])
    unseen = {key for key, row in duck.items() if "unseen:area" in (row["flags"] or "")}
    assert unseen == {f"H{i:04d}" for i in range(0, 150, 19)} | {  # 197109 is not surveyed; 3201 is no district
        key for key, row in duck.items() if row["region"] == "3201"}
