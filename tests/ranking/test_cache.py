"""The Parquet copy of a stored ranking run: the database's rows, written once, named per run."""

import pyarrow.parquet as pq
import pytest

from mutakhir.ranking.cache import results_name, results_path
from mutakhir.ranking.models import RankingResult, RankingRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_run(n: int) -> RankingRun:
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=n)
    RankingResult.objects.bulk_create(
        RankingResult(run=run, household_id=f"H{i}", score=i / 10, percentile=100 * (i + 1) / n, desil=1 + i * 10 // n,
                      region_percentile=50.0, region="1901", model_region="*", household_region="1901011001")
        for i in range(n))
    return run


def test_it_copies_every_result_once(django_assert_num_queries):
    run = make_run(7)
    path = results_path(run, progress=(seen := []).append)
    rows = pq.read_table(path).to_pylist()
    assert sorted(r["household_id"] for r in rows) == [f"H{i}" for i in range(7)] and seen == [7]
    assert next(r for r in rows if r["household_id"] == "H3") == {
        "household_id": "H3", "score": 0.3, "percentile": 100 * 4 / 7, "desil": 5, "region_percentile": 50.0,
        "region": "1901", "household_region": "1901011001"}
    with django_assert_num_queries(0):
        assert results_path(run) == path
    assert not list(path.parent.glob("*.tmp"))


def test_each_run_has_its_own_copy_even_an_empty_one():
    first, empty = make_run(3), make_run(0)
    assert results_name(first) != results_name(empty)
    assert pq.read_table(results_path(empty)).num_rows == 0
    assert pq.read_table(results_path(first)).num_rows == 3
