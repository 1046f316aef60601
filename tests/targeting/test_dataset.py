"""The registry as list files: the fast path (COPY on PostgreSQL, raw batches elsewhere) writes what the ORM did."""

from datetime import date
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from conftest import VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB

from mutakhir.ranking.cache import write_rows
from mutakhir.ranking.models import RankingRun
from mutakhir.registry.models import Household, Member
from mutakhir.targeting import dataset
from mutakhir.targeting.rules import parse
from mutakhir.targeting.rules.attributes import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

pytestmark = pytest.mark.django_db

PKH = ("desil <= 4 and any(member.pregnant = 1 or member.age < 6 or (member.age between 6 and 18 and "
       "member.school_attendance = 1) or member.age >= 70 or member.disability != 0)")
ENDED = "2026-01-01T00:00Z"


def _plain(row: tuple) -> tuple:
    return tuple(float(v) if isinstance(v, Decimal) else int(v) if isinstance(v, bool) else v for v in row)


def orm_path(region_code: str, folder):
    """Write the files as dataset.py did before the fast path (the reference): model values row by row."""
    folder.mkdir()
    households = Household.objects.active().order_by()
    if region_code:
        households = households.filter(region__pk__startswith=region_code)
    rows = households.values_list("household_id", "region_id", *HOUSEHOLD_COLUMNS).iterator()
    write_rows(folder / "households.parquet", dataset._schema(dataset._household_columns()), map(_plain, rows))
    members = Member.objects.active().order_by().filter(household__in=households)
    rows = members.values_list("record_id", "household__household_id", "birth_date", *MEMBER_COLUMNS).iterator()
    write_rows(folder / "members.parquet", dataset._schema(dataset._member_columns()), map(_plain, rows))
    return folder / "households.parquet", folder / "members.parquet"


def table(path):
    """Return a Parquet file's (name, type) columns and its rows in key order."""
    data = pq.read_table(path)
    rows = sorted(data.to_pylist(), key=lambda r: (r.get("record_id") or "", r["household_id"]))
    return [(f.name, str(f.type)) for f in data.schema], rows


@pytest.fixture
def registry(make_household):
    """Households with every kind of value (decimals, flags, codes, dates, NULLs, awkward IDs), some ended."""
    full = make_household(VILLAGE_IN, members=2, household_id='H"1,x', floor_area_m2=Decimal("36.75"), tenure=1,
                          floor_material=3, has_car=True, has_ac=False, has_gold=None, livestock=4, owns_land=True)
    Member.objects.filter(household=full, relation=1).update(birth_date=date(1950, 2, 28), pregnant=0,
                                                             disability=3, education=7, work_sector=12)
    Member.objects.filter(household=full, relation=3).update(birth_date=date(2024, 12, 31), pregnant=None)
    empty = make_household(VILLAGE_OTHER_SUB, members=1, household_id="H2")  # NULL everywhere it can be
    Member.objects.filter(household=empty).update(birth_date=None, sex=None, relation=None)
    other = make_household(VILLAGE_OTHER_DISTRICT, members=1, household_id="H3", floor_area_m2=Decimal("120.05"),
                           has_motorcycle=True)
    Member.objects.filter(household=other).update(birth_date=date(2012, 7, 1), school_attendance=1)
    gone = make_household(VILLAGE_IN, members=1, household_id="H4", ended_at=ENDED)  # left the registry
    Member.objects.filter(household=gone).update(birth_date=date(1990, 1, 1))
    left = make_household(VILLAGE_IN, members=2, household_id="H5")
    Member.objects.filter(household=left, relation=3).update(ended_at=ENDED)  # a member who left
    return RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                     households=4)


@pytest.mark.parametrize("region", ["", "1901", "1902", "1903"])
def test_it_writes_what_the_orm_path_wrote(registry, tmp_path, region):
    old = orm_path(region, (tmp_path / "old"))
    new = tmp_path / "new"
    new.mkdir()
    for make, path in [(dataset.household_query, new / "households.parquet"),
                       (dataset.member_query, new / "members.parquet")]:
        dataset.write_query(path, *make(region))
    for before, after in zip(old, (new / "households.parquet", new / "members.parquet"), strict=True):
        assert table(after) == table(before)
    households = {r["household_id"] for r in table(new / "households.parquet")[1]}
    expected = {"": {'H"1,x', "H2", "H3", "H5"}, "1901": {'H"1,x', "H2", "H5"}, "1902": {"H3"}, "1903": set()}
    assert households == expected[region]  # only the region, only households still in the registry


def test_it_keeps_the_values_and_types(registry, tmp_path):
    tmp_path = tmp_path / "out"  # beside the media folder
    tmp_path.mkdir()
    dataset.write_run_dataset(registry, tmp_path)
    columns, households = table(tmp_path / "households.parquet")
    assert (dict(columns)["floor_area_m2"], dict(columns)["tenure"], dict(columns)["has_car"]) == \
        ("double", "int32", "int32")
    assert [c for c, _t in columns] == ["household_id", "region_code", *HOUSEHOLD_COLUMNS]
    full = next(r for r in households if r["household_id"] == 'H"1,x')
    assert (full["floor_area_m2"], full["has_car"], full["has_ac"], full["has_gold"], full["livestock"]) == \
        (36.75, 1, 0, None, 4)
    columns, members = table(tmp_path / "members.parquet")
    assert dict(columns)["birth_date"] == "date32[day]"
    assert {r["record_id"]: r["birth_date"] for r in members if r["household_id"] in ('H"1,x', "H2")} == {
        r: b for r, b in Member.objects.filter(household__household_id__in=['H"1,x', "H2"]).values_list(
            "record_id", "birth_date")}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["households.parquet", "members.parquet"]  # no CSV left


def test_a_rule_writes_only_the_columns_it_reads(registry, tmp_path):
    full, narrow = tmp_path / "full", tmp_path / "narrow"
    full.mkdir()
    narrow.mkdir()
    dataset.write_run_dataset(registry, full)
    notes = []
    dataset.write_run_dataset(registry, narrow, notes.append, rule=parse(PKH + " and floor_area_m2 < 60"))
    hh_columns, hh_rows = table(narrow / "households.parquet")
    assert [c for c, _t in hh_columns] == ["household_id", "region_code", "floor_area_m2"]
    mem_columns, mem_rows = table(narrow / "members.parquet")
    names = [c for c, _t in mem_columns]
    assert names == ["record_id", "household_id", "birth_date", "school_attendance", "disability", "pregnant"]
    assert mem_rows == [{k: r[k] for k in names} for r in table(full / "members.parquet")[1]]
    assert hh_rows == [{k: r[k] for k in ("household_id", "region_code", "floor_area_m2")}
                       for r in table(full / "households.parquet")[1]]
    assert "Households read: 4" in notes and "Members read: 5" in notes
