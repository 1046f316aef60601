"""The linkage run's memory is bounded (DuckDB limit, spill folder, one side prepared at a time) and the
bounds change nothing in the results; large CSVs are checked for UTF-8 without being held as text."""

import csv
import os

import duckdb
import pyarrow as pa
import pytest

from mutakhir.identification.linkage import io as linkage_io
from mutakhir.identification.linkage import run
from mutakhir.identification.linkage.features import prepare
from mutakhir.identification.linkage.io import InputError, read_table

from .fixtures import scenario


def test_duckdb_gets_the_budget_less_what_arrow_holds(settings):
    settings.LINKAGE_MEMORY_BUDGET = 3 * 2**30
    held = pa.table({"x": ["a" * 100] * 1_000_000})  # ~104 MB
    expected = (3 * 2**30 - held.nbytes * run.ARROW_OVERHEAD) / 2**20
    assert run.duckdb_memory_limit({"t": held}) == f"{expected:.0f}MB"


def test_duckdb_never_gets_less_than_the_floor(settings):
    settings.LINKAGE_MEMORY_BUDGET = 2**20
    assert run.duckdb_memory_limit({}) == f"{run.DUCKDB_MIN_MEMORY / 2**20:.0f}MB"


def test_a_registry_beyond_the_budget_gets_at_least_its_own_size(settings, monkeypatch):
    monkeypatch.setattr(run, "DUCKDB_MIN_MEMORY", 2**20)
    settings.LINKAGE_MEMORY_BUDGET = 2**20
    held = pa.table({"x": ["a" * 100] * 100_000})  # ~10 MB: more than the budget and the floor
    assert run.duckdb_memory_limit({"t": held}) == f"{held.nbytes / 2**20:.0f}MB"


def test_an_explicit_limit_wins(settings):
    settings.LINKAGE_MEMORY_LIMIT = "3GB"
    assert run.duckdb_memory_limit({"t": pa.table({"x": ["a"] * 10})}) == "3GB"


def test_the_connection_is_limited_and_its_spill_folder_removed(tmp_path):
    with run.connection("500MB", temp_root=tmp_path) as con:
        limit, spill = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')"
                                   ).fetchall()[0]
        assert limit == "476.8 MiB"  # DuckDB shows 500 MB in MiB
        assert os.path.dirname(spill) == str(tmp_path)
        # More than the limit in one table: spilled, not an out-of-memory error.
        con.execute("CREATE TEMP TABLE t AS SELECT i, md5(i::varchar) || md5((i + 1)::varchar) AS s "
                    "FROM range(12000000) r(i)")
        assert con.execute("SELECT count(DISTINCT s) FROM t").fetchall()[0][0] == 12_000_000
    assert list(tmp_path.iterdir()) == []


def categories(folder) -> dict:
    with (folder / "households.csv").open() as f:
        return {r["household_id"]: (r["registry_household_id"], r["category"], r["match_probability"])
                for r in csv.DictReader(f)}


def members(folder) -> list[dict]:
    with (folder / "members.csv").open() as f:
        return list(csv.DictReader(f))


def test_a_tight_memory_limit_changes_no_result(settings, tmp_path):
    truth = scenario(tmp_path, n_registry=120)
    args = (tmp_path / "registrations", tmp_path / "registry")
    roomy = run.match(*args, tmp_path / "roomy")
    # Splink blocks in one query, a hash join per blocking rule: nine rules need more than 64 MB even here.
    settings.LINKAGE_MEMORY_LIMIT = "96MB"
    tight = run.match(*args, tmp_path / "tight")
    assert categories(tmp_path / "tight") == categories(tmp_path / "roomy")
    assert members(tmp_path / "tight") == members(tmp_path / "roomy")
    assert tight["categories"] == roomy["categories"]
    assert {k: v[1] for k, v in truth["households"].items()} == {
        k: v[1] for k, v in categories(tmp_path / "tight").items()}


def test_prepare_leaves_only_the_features_tables():
    con = duckdb.connect()
    households = pa.table({"household_id": ["h1"], "region_code": ["1901011001"]})
    people = pa.table({"record_id": ["r1"], "household_id": ["h1"], "name": ["Budi"]})
    prepare(con, {"reg": (people, households), "civil": (people, None)})
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert names == {"features_reg", "features_civil"} and views == set()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(linkage_io, "CHUNK", 16)  # the file spans many chunks


def test_a_bad_byte_far_into_a_file_names_its_line(small_chunks, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    rows = "".join(f"r{i},h{i},Nama {i}\n" for i in range(40))
    data = b"\xef\xbb\xbfrecord_id,household_id,name\n" + rows.encode() + b"r40,h40,Sit\xe9\n"
    (folder / "members.csv").write_bytes(data)
    with pytest.raises(InputError) as error:
        read_table(folder, "members")
    offset = data.index(b"\xe9")
    assert str(error.value) == (f"{folder / 'members.csv'}: line 42 is not UTF-8 text (byte {offset}); "
                                "save the file as UTF-8")


def test_a_multibyte_character_across_chunks_is_text(small_chunks, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    name = "Ñoman Ġusti Ayu " * 4  # two-byte characters fall on chunk edges
    (folder / "members.csv").write_text(f"record_id,household_id,name\nr1,h1,{name}\n", encoding="utf-8")
    table, _name = read_table(folder, "members")
    assert table.column_names == ["record_id", "household_id", "name"]
    assert table["name"].to_pylist() == [name.strip()]


def test_a_header_of_blanks_is_an_empty_file(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "members.csv").write_text("   \n")
    with pytest.raises(InputError, match="the file is empty"):
        read_table(folder, "members")
