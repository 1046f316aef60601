"""`mutakhir targeting run|check|seed-programs`."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from mutakhir.core.models import PersonalDataAccess
from mutakhir.targeting.models import Program

from .data import write


def test_it_draws_a_list_from_files(tmp_path):
    scores, _h, _m = write(tmp_path / "in")
    (tmp_path / "q.csv").write_text("region_code,quota\n1901,1\n1902,1\n")
    call_command("targeting", "run", "--rule", "desil <= 4", "--ranking", str(scores), "--data",
                 str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quota", str(tmp_path / "q.csv"),
                 "--as-of", "2026-11-01")
    with open(tmp_path / "out" / "list.csv") as fh:
        assert sorted(r["household_id"] for r in csv.DictReader(fh)) == ["H1", "H6"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["quotas"] == {"1901": 1, "1902": 1}
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"list.xlsx", "summary.pdf", "diff.csv", "near.csv"}


def test_it_reports_rule_and_input_errors(tmp_path):
    with pytest.raises(CommandError, match="did you mean 'desil'"):
        call_command("targeting", "check", "desi <= 4")
    scores, _h, _m = write(tmp_path / "in")
    with pytest.raises(CommandError, match="--data"):
        call_command("targeting", "run", "--rule", "desil <= 4", "--ranking", str(scores), "--out", str(tmp_path))
    (tmp_path / "q.csv").write_text("region_code,quota\n19,1\n1902,1\n")
    with pytest.raises(CommandError, match="overlap"):
        call_command("targeting", "run", "--rule", "desil <= 4", "--ranking", str(scores), "--data",
                     str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--quota", str(tmp_path / "q.csv"))


@pytest.mark.django_db
def test_it_seeds_programs_and_runs_one_on_a_ranking_run(ranked, tmp_path):
    call_command("targeting", "seed-programs")
    assert Program.objects.count() == 3
    call_command("targeting", "run", "--program", "PKH", "--ranking", str(ranked.pk), "--out", str(tmp_path),
                 "--formats", "csv")
    with open(tmp_path / "list.csv") as fh:
        assert sorted(r["household_id"] for r in csv.DictReader(fh)) == ["T1", "T3", "T4"]
    access = PersonalDataAccess.objects.get()  # the registry left the database for a file: logged
    assert (access.action, access.object_type, access.object_id) == ("export", "rankingrun", str(ranked.pk))
