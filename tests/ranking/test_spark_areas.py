"""DuckDB and Spark give the same scores from one model file with area offsets (tests/engines/test_spark.py
checks the same without them)."""

import pytest

from mutakhir.ranking.fit import fit_pmt

from .conftest import settings
from .data import draw, scores_on_both_engines, with_areas, write

pytestmark = pytest.mark.spark


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
    duck = scores_on_both_engines(model, data, tmp_path, spark_session, region_column="region_code",
                                  persons_column="hh_size")
    assert len(duck) == 150
    unseen = {key for key, row in duck.items() if "unseen:area" in (row["flags"] or "")}
    assert unseen == {f"H{i:04d}" for i in range(0, 150, 19)} | {  # 197109 is not surveyed; 3201 is no district
        key for key, row in duck.items() if row["region"] == "3201"}
