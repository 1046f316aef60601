"""`mutakhir dedup`: duplicate people and households in a registry dataset, as clusters."""

import csv
import json

from django.core.management import call_command

from .fixtures import registry, write


def test_it_finds_a_copied_household(tmp_path, capsys):
    households, members = registry(60)
    copy = [{**m, "household_id": "COPY", "record_id": "COPY-" + m["record_id"]}
            for m in members if m["household_id"] == "B00003"]
    write(tmp_path / "registry", [*households, {**households[3], "household_id": "COPY"}], members + copy)
    call_command("dedup", "--registry", str(tmp_path / "registry"), "--out", str(tmp_path / "out"))
    counts = json.loads(capsys.readouterr().out)
    people = list(csv.DictReader((tmp_path / "out" / "people.csv").open()))
    clusters = {}
    for row in people:
        clusters.setdefault(row["cluster_id"], set()).add(row["record_id"])
    assert {frozenset(c) for c in clusters.values()} >= {frozenset({m["record_id"], "COPY-" + m["record_id"]})
                                                        for m in members if m["household_id"] == "B00003"}
    households_out = list(csv.DictReader((tmp_path / "out" / "households.csv").open()))
    assert {r["household_id"] for r in households_out} == {"B00003", "COPY"}
    assert counts["household_clusters"] == 1 and all(float(r["probability"]) >= 0.95 for r in households_out)


def test_a_registry_without_a_sure_pair_gives_no_clusters(tmp_path, capsys):
    households, members = registry(60)  # no two people share a NIK and birth date: the prior would be 0
    write(tmp_path / "registry", households, members)
    call_command("dedup", "--registry", str(tmp_path / "registry"), "--out", str(tmp_path / "out"))
    assert json.loads(capsys.readouterr().out)["household_clusters"] == 0
    assert list(csv.DictReader((tmp_path / "out" / "people.csv").open())) == []
