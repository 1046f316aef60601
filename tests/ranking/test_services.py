import pytest

from mutakhir.accounts.models import Role
from mutakhir.ranking.models import ImmutableError, RankingResult, RankingRun
from mutakhir.ranking.services import do_rank


@pytest.fixture
def run(db, model, household_file):
    return do_rank(model, household_file, region_column="region_code", persons_column="hh_size")


def test_it_stores_the_run_with_its_model_and_every_result(run, model):
    assert run.households == 200 and run.engine == "duckdb" and run.persons_weighted
    assert run.model == model.to_dict() and len(run.model_sha256) == 64
    results = RankingResult.objects.filter(run=run)
    assert results.count() == 200 and {r.desil for r in results} == set(range(1, 11))
    poorest = results.first()
    assert poorest.percentile == min(r.percentile for r in results) and poorest.region in {"1901", "1902", "1971"}


def test_it_refuses_to_change_or_delete_a_ranking(run):
    result = run.results.first()
    result.desil = 1
    for attempt in (result.save, result.delete, run.delete, lambda: RankingResult.objects.update(desil=1),
                    lambda: RankingRun.objects.filter(pk=run.pk).delete()):
        with pytest.raises(ImmutableError):
            attempt()
    assert RankingResult.objects.filter(run=run).count() == 200


def test_it_shows_results_only_inside_the_users_region(run, make_user):
    operator = make_user(Role.DISTRICT_OPERATOR, "1902")
    visible = RankingResult.objects.visible_to(operator)
    assert visible.exists() and set(visible.values_list("region", flat=True)) == {"1902"}
    assert not RankingRun.objects.visible_to(operator).exists()  # a national run is for national staff
