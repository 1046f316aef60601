"""The Spark engine (local mode) gives the same categories as DuckDB on the same small input."""

import csv

import pytest

from mutakhir.identification.linkage.run import match

from .fixtures import scenario

pytestmark = pytest.mark.spark


@pytest.fixture
def spark(spark_session):
    """The test session's one local Spark session (stopping it here would break later Spark tests)."""
    return spark_session


def categories(folder) -> dict:
    with (folder / "households.csv").open() as f:
        return {r["household_id"]: (r["registry_household_id"], r["category"]) for r in csv.DictReader(f)}


def test_spark_gives_the_same_categories_as_duckdb(spark, tmp_path):
    truth = scenario(tmp_path, n_registry=30)
    duck = match(tmp_path / "registrations", tmp_path / "registry", tmp_path / "duckdb")
    on_spark = match(tmp_path / "registrations", tmp_path / "registry", tmp_path / "spark", engine="spark")
    assert on_spark["engine"] == "spark" and on_spark["categories"] == duck["categories"]
    assert categories(tmp_path / "spark") == categories(tmp_path / "duckdb")
    assert {k: (v[0] or "", v[1]) for k, v in truth["households"].items()} == categories(tmp_path / "duckdb")
