"""DuckDB and Spark give the same scores, percentiles and desil from one model file."""

import pytest

# tests/ is on sys.path (rootdir-relative packages)
from ranking.data import draw, scores_on_both_engines, survey, write

from mutakhir.engines import get_engine
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.survey import FitSettings

pytestmark = pytest.mark.spark


def test_it_loads_and_exports_with_spark(spark_session, tmp_path):
    (tmp_path / "a.csv").write_text("id,n\n007,1.5\n008,\n")
    engine = get_engine("spark", spark=spark_session)
    assert engine.load("a", str(tmp_path / "a.csv")) == {"id": "text", "n": "text"}
    engine.export("SELECT id, TRY_CAST(n AS DOUBLE) AS n FROM a ORDER BY id", str(tmp_path / "b.csv"))
    assert (tmp_path / "b.csv").read_text().splitlines() == ["id,n", "007,1.5", "008,"]
    engine.close()  # a session it was given stays open


def test_it_scores_the_same_on_duckdb_and_spark(spark_session, tmp_path):
    settings = FitSettings(target="log_consumption_pc", weight="weight", categorical=["floor_material"],
                           log=["floor_area_m2", "hh_size"], region_column="region", folds=2,
                           interactions=[["has_car", "floor_area_m2"]])
    model = fit_pmt(survey(tmp_path / "survey.csv", n=400), settings)
    cols = draw(150, 9, regions=("1901", "1902", "1971", "3201"))
    cols["household_id"] = [f"H{i:04d}" for i in range(150)]
    cols["floor_material"] = ["5" if i % 17 == 0 else v for i, v in enumerate(cols["floor_material"])]
    cols["floor_area_m2"] = [None if i % 23 == 0 else v for i, v in enumerate(cols["floor_area_m2"])]
    data = write(tmp_path / "h.csv", cols)
    duck = scores_on_both_engines(model, data, tmp_path, spark_session, region_column="region",
                                  persons_column="hh_size")
    assert len(duck) == 150
    assert any(row["flags"] == "fallback:*" for row in duck.values())
