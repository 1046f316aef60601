"""Planted civil-registry changes (synth/civil_changes.py) and the sync finding them on a synthetic district."""

import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from mutakhir.engines import get_engine
from mutakhir.identification.linkage import io
from mutakhir.synth import civil_changes, generate
from mutakhir.verivali import sync_engine


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(3000, 7, out, "19.01")
    members, households = sync_engine.read_registry(out / "registry")
    civil, _name = io.read_table(out / "civil", "members", kind="civil")
    return members, households, civil


def test_it_plants_each_kind_and_writes_the_truth(district):
    members, households, civil = district
    extract, truth, counts = civil_changes.plant(members, households, civil, seed=3, duplicates=5, outsiders=7)
    assert extract.num_rows == civil.num_rows + 12
    assert all(counts["planted"][kind] > 0 for kind in ("death", "move", "kk_change", "nik_correction"))
    deaths = pc.sum(pc.invert(pc.equal(extract["death_date"], ""))).as_py()
    assert deaths == counts["planted"]["death"] == counts["truth"]["death"]
    assert counts["truth"]["nik_correction"] >= counts["planted"]["nik_correction"]


def test_the_sync_finds_the_planted_changes(district, tmp_path):
    members, households, civil = district
    extract, truth, _counts = civil_changes.plant(members, households, civil, seed=3)
    path = tmp_path / "extract"
    path.mkdir()
    pacsv.write_csv(extract, path / "members.csv")
    engine = get_engine("duckdb")
    sync_engine.find_changes(engine, sync_engine.SyncInputs(members, households, sync_engine.read_extract(path)),
                             district="1901")
    found = {(f["record_id"], f["kind"], f["proposed_value"]) for f in sync_engine.fetch_findings(engine)}
    engine.close()
    expected = set(zip(*(truth[c].to_pylist() for c in ("record_id", "kind", "value")), strict=True))
    assert len(found & expected) >= 0.95 * len(expected)
    assert len(found & expected) >= 0.95 * len(found)
