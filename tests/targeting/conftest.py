import pytest
from conftest import in_english

english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Keep the Parquet copies of ranking runs (ranking/cache.py) out of the real media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ranked(make_household):
    """Four households in Bangka (two villages) and one in Belitung, ranked in one run."""
    from datetime import date

    from conftest import VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB

    from mutakhir.ranking.models import RankingResult, RankingRun
    from mutakhir.registry.models import Member

    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=5)
    specs = [("T1", VILLAGE_IN, 1.0, 1, date(2024, 1, 1)), ("T2", VILLAGE_IN, 2.0, 2, date(1980, 1, 1)),
             ("T3", VILLAGE_OTHER_SUB, 3.0, 3, date(1940, 1, 1)), ("T4", VILLAGE_OTHER_DISTRICT, 1.5, 1,
                                                                    date(2023, 1, 1)),
             ("T5", VILLAGE_IN, 9.0, 9, date(2024, 1, 1))]
    for hid, village, score, desil, birth in specs:
        hh = make_household(village, members=1, household_id=hid)
        Member.objects.filter(household=hh).update(birth_date=birth, pregnant=0, disability=0, school_attendance=0)
        RankingResult.objects.create(run=run, household_id=hid, score=score, percentile=desil * 10 - 5, desil=desil,
                                     region_percentile=desil * 10 - 5, region=village[:4], model_region="*")
    return run
