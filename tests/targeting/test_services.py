"""Programs, versions, example programs, lists drawn from a ranking run in the database."""

import pytest

from mutakhir.targeting import services
from mutakhir.targeting.models import Entry, Program, VersionEditError

pytestmark = pytest.mark.django_db

RULE = "desil <= 4 and any(member.age < 6 or member.age >= 70)"


def test_it_versions_criteria_without_editing_old_ones(make_user):
    pm = make_user("program_manager")
    program = services.do_create_program("Uji", "desil <= 4", "household", actor=pm)
    v2 = services.do_add_version(program, RULE, "household", actor=pm)
    assert [v.number for v in program.versions.all()] == [2, 1]
    assert program.current == v2 and program.versions.get(number=1).rule == "desil <= 4"
    old = program.versions.get(number=1)
    old.rule = "desil <= 9"
    with pytest.raises(VersionEditError):
        old.save()


def test_it_refuses_a_bad_rule():
    with pytest.raises(services.TargetingError, match="did you mean 'desil'"):
        services.do_create_program("Uji", "desi <= 4", "household")
    assert not Program.objects.exists()


def test_it_seeds_the_example_programs_once():
    assert [p.name for p in services.do_seed_programs()] == ["PKH", "BPNT/Sembako", "PBI-JK"]
    assert services.do_seed_programs() == []
    assert Program.objects.get(name="PBI-JK").current.unit == "person"


def test_it_draws_and_stores_a_list_with_diff(ranked):
    program = services.do_create_program("Uji", RULE, "household")
    first = services.do_build_list(program.current, ranked, quotas={"1901": 5, "1902": 5})
    selected = set(first.entries.filter(status=Entry.Status.SELECTED).values_list("household_id", flat=True))
    assert selected == {"T1", "T3", "T4"}
    # T2 lies below the cut-off, T5 far above it: neither is "just outside" (within 10 points above).
    assert not first.entries.filter(household_id__in=["T2", "T5"]).exists()
    second = services.do_build_list(program.current, ranked, quotas={"1901": 1, "1902": 5}, previous=first)
    t3 = second.entries.get(household_id="T3")
    assert (t3.status, t3.change, t3.reason) == ("exited", "exited", "beyond the quota of 1901 (rank 2 of 1)")
    assert second.entries.get(household_id="T2").reason.startswith("not: any(member.age < 6")  # 10 points above
    assert second.entries.get(household_id="T1").change == "stayed"


def test_it_previews_per_district(ranked):
    summary = services.preview(RULE, "household", ranked)
    assert {r["region"]: r["households"] for r in summary["regions"]} == {"1901": 2, "1902": 1}


def test_it_lists_people_for_person_programs(ranked):
    program = services.do_create_program("PBI", "desil <= 5", "person")
    blist = services.do_build_list(program.current, ranked)
    assert blist.entries.filter(status="selected").exclude(record_id="").count() == 4


def test_it_checks_quota_text(regions):
    assert services.check_list_options("region_code,quota\n19.01,4\n1902,3\n", 2) == {"1901": 4, "1902": 3}
    with pytest.raises(services.TargetingError, match="overlap"):
        services.check_list_options("19,4\n1902,3", 0)
    with pytest.raises(services.TargetingError):
        services.check_list_options("1901", 0)


def test_a_quota_line_with_an_unknown_region_is_refused_with_its_line(regions):
    """`1901070,20` names no region: refused with the line and the region, not dropped from the list."""
    with pytest.raises(services.TargetingError, match=r"Line 2 \(1901070,20\): region 1901070 is not in the region"):
        services.check_list_options("1901,10\n1901070,20\n", 0)
    with pytest.raises(services.TargetingError, match=r"Line 2 \(19.01,3\): region 1901 is already on line 1"):
        services.check_list_options("1901,10\n19.01,3\n", 0)


def test_it_copies_the_run_once_and_reads_the_registry_each_time(ranked, make_household,
                                                                 django_assert_max_num_queries):
    """The immutable run is read from its Parquet copy after the first list; households come from the registry."""
    from conftest import VILLAGE_IN

    from mutakhir.ranking.cache import results_path
    from mutakhir.ranking.models import RankingResult
    from mutakhir.registry.models import Household

    program = services.do_create_program("Uji", "desil <= 4", "household")
    services.do_build_list(program.current, ranked)
    copy = results_path(ranked)
    written = copy.stat().st_mtime_ns
    with django_assert_max_num_queries(0):
        assert results_path(ranked) == copy  # no query: the copy is reused as it is
    Household.objects.filter(household_id="T2").update(ended_at="2026-01-01T00:00Z")  # left the registry since
    make_household(VILLAGE_IN, members=1, household_id="T9")  # not in the run: never listed
    again = services.do_build_list(program.current, ranked)
    assert copy.stat().st_mtime_ns == written
    listed = set(again.entries.filter(status=Entry.Status.SELECTED).values_list("household_id", flat=True))
    assert listed == {"T1", "T3", "T4"}
    assert RankingResult.objects.filter(run=ranked).count() == 5


def test_a_run_of_one_region_reads_only_that_region(ranked, make_household):
    from mutakhir.ranking.models import RankingResult, RankingRun

    run = RankingRun.objects.create(region_code="1902", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=1)
    RankingResult.objects.create(run=run, household_id="T4", score=1.0, percentile=50, desil=5, region_percentile=50,
                                 region="1902", model_region="*")
    summary = services.preview("desil <= 5", "household", run)
    assert {r["region"]: r["households"] for r in summary["regions"]} == {"1902": 1}
