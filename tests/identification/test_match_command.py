"""`mutakhir match` end to end on small data, and its clear errors on bad input."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .fixtures import scenario, write

SCORER = Path("/work/shared/bench/score_linkage.py")


def run_match(root: Path, **extra) -> dict:
    args = ["--registrations", str(root / "registrations"), "--registry", str(root / "registry"),
            "--out", str(root / "out"), "--verbosity", "0"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    call_command("match", *args)
    return json.loads((root / "out" / "summary.json").read_text())


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("match")
    return root, scenario(root)


def test_it_matches_a_small_scenario(small):
    root, truth = small
    summary = run_match(root)
    rows = {r["household_id"]: r for r in csv.DictReader((root / "out" / "households.csv").open())}
    got = {k: (r["registry_household_id"] or None, r["category"]) for k, r in rows.items()}
    assert got == truth["households"]
    members = {r["record_id"]: r["registry_record_id"] or None for r in csv.DictReader((root / "out" /
                                                                                        "members.csv").open())}
    assert members == truth["members"]
    assert summary["categories"] == {"new": 40, "unchanged": 80, "changed": 20}
    assert summary["engine"] == "duckdb" and summary["timings"]["total"] > 0
    assert list(rows["R00001"]) == ["household_id", "registry_household_id", "category", "match_probability",
                                    "changes", "review"]
    assert rows["R00001"]["changes"] == "has_motorcycle"


@pytest.mark.slow
def test_it_scores_well_on_synthetic_ground_truth(tmp_path):
    call_command("synth", "--households", "3000", "--seed", "3", "--out", str(tmp_path), "--verbosity", "0")
    summary = run_match(tmp_path, civil_registry=tmp_path / "civil")
    if not SCORER.exists():
        pytest.skip("the shared scorer is not on this machine")
    out = subprocess.run([sys.executable, str(SCORER), str(tmp_path / "truth"), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True).stdout
    scores = json.loads(out)
    assert scores["category_accuracy"] >= 0.98
    assert scores["member_link_precision"] >= 0.995
    assert scores["member_link_recall"] >= 0.98
    civil = {r["record_id"]: r for r in csv.DictReader((tmp_path / "truth" / "members.csv").open())}
    got = list(csv.DictReader((tmp_path / "out" / "members.csv").open()))
    agree = sum(r["civil_record_id"] == civil[r["record_id"]]["civil_record_id"] for r in got)
    assert agree / len(got) >= 0.98
    assert set(summary["civil_status"]) == {"matched", "nik_mismatch", "not_found"}


def copy_small(small, tmp_path) -> Path:
    root, _truth = small
    for name in ("registrations", "registry"):
        shutil.copytree(root / name, tmp_path / name)
    return tmp_path


def error_of(root: Path, **extra) -> str:
    with pytest.raises(CommandError) as exc:
        run_match(root, **extra)
    return str(exc.value)


def test_it_rejects_an_empty_file(small, tmp_path):
    root = copy_small(small, tmp_path)
    (root / "registry" / "members.csv").write_text("")
    assert error_of(root) == f"{root}/registry/members.csv: the file is empty (a header row is required)"


def test_it_rejects_a_header_without_rows(small, tmp_path):
    root = copy_small(small, tmp_path)
    (root / "registrations" / "households.csv").write_text("household_id,region_code\n")
    assert "registrations/households.csv: no rows" in error_of(root)


def test_it_names_a_missing_required_column(small, tmp_path):
    root = copy_small(small, tmp_path)
    path = root / "registrations" / "members.csv"
    path.write_text(path.read_text().replace("name,", "nama,", 1))
    assert error_of(root).endswith("registrations/members.csv: required column(s) missing: name")


def test_it_names_a_duplicate_id_and_its_rows(small, tmp_path):
    root = copy_small(small, tmp_path)
    path = root / "registry" / "households.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    message = error_of(root)
    assert "registry/households.csv: column 'household_id': 'B00000' appears more than once" in message
    assert f"rows [2, {len(lines) + 1}]" in message


def test_it_names_an_empty_required_value(small, tmp_path):
    root = copy_small(small, tmp_path)
    path = root / "registrations" / "members.csv"
    lines = path.read_text().splitlines()
    lines[3] = "," + lines[3].split(",", 1)[1]
    path.write_text("\n".join(lines) + "\n")
    assert "registrations/members.csv: row 4, column 'record_id': a value is required" in error_of(root)


def test_it_rejects_a_file_that_is_not_utf8(small, tmp_path):
    root = copy_small(small, tmp_path)
    path = root / "registrations" / "members.csv"
    data = path.read_bytes().splitlines(keepends=True)
    data[5] = data[5].replace(b"Sungailiat", b"Sungailiat" + "é".encode("latin-1"))
    path.write_bytes(b"".join(data))
    assert "registrations/members.csv: line 6 is not UTF-8 text" in error_of(root)


def test_it_rejects_a_missing_folder(tmp_path):
    assert error_of(tmp_path).endswith("registrations: not a folder or a .zip file")


def test_it_warns_when_the_registry_does_not_overlap(tmp_path):
    from .fixtures import registry

    households, members = registry(60, seed=1)
    write(tmp_path / "registry", households, members)
    households, members = registry(20, seed=2)
    for m in members:
        m["nik"] = "3" + m["nik"][1:]
        m["name"] = "Zz " + m["name"]
        m["birth_date"] = "1900-01-02"
    write(tmp_path / "registrations", households, members)
    summary = run_match(tmp_path)
    assert summary["categories"]["new"] == 20
    assert any("no registered person" in w for w in summary["warnings"])


def test_it_warns_about_members_without_a_household(small, tmp_path):
    root = copy_small(small, tmp_path)
    path = root / "registrations" / "members.csv"
    lines = path.read_text().splitlines()
    parts = lines[1].split(",")
    parts[0], parts[1] = "X-1", "NOPE"
    path.write_text("\n".join([*lines, ",".join(parts)]) + "\n")
    summary = run_match(root)
    assert any("1 member(s) name a household_id missing" in w and "X-1" in w for w in summary["warnings"])


def test_it_reads_a_zip(small, tmp_path):
    root = copy_small(small, tmp_path)
    shutil.make_archive(str(root / "reg"), "zip", root / "registrations")
    summary = run_match(root, registrations=root / "reg.zip")
    assert summary["households"] == 140
