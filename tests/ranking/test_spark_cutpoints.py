"""DuckDB and Spark assign the same national desil from one set of cut-points (national and per region)."""

import pytest

from mutakhir.ranking.cutpoints import CutPoints

from .data import households, scores_on_both_engines

pytestmark = pytest.mark.spark


def test_it_assigns_desil_by_cut_points_the_same_on_duckdb_and_spark(model, spark_session, tmp_path):
    data = households(tmp_path / "households.csv", n=300)
    national = (6.6, 6.8, 6.9, 7.0, 7.1, 7.2, 7.3, 7.5, 7.7)
    points = CutPoints(model_name="pmt", model_version=1, model_sha256="0" * 64, national_run=1, published_at=None,
                       national=national, regions={"1902": tuple(t + 0.2 for t in national)})
    duck = scores_on_both_engines(model, data, tmp_path, spark_session, region_column="region_code",
                                  persons_column="hh_size", cutpoints=points)
    assert len({row["desil"] for row in duck.values()}) > 5
    for row in duck.values():
        assert int(row["desil"]) == points.desil(float(row["score"]), row["region"])
