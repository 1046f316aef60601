import csv
import json

import pytest
from django.core.management import CommandError, call_command

from mutakhir.ranking.score import ScoreError, score_households

from .data import draw, survey, write


def read(path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["household_id"]: row for row in csv.DictReader(handle)}


def test_it_ranks_poorest_first_with_desil_of_equal_households(model, household_file, tmp_path):
    result = score_households(model, household_file, tmp_path / "s.csv", region_column="region_code")
    rows = sorted(read(tmp_path / "s.csv").values(), key=lambda r: float(r["score"]))
    assert result["households"] == 200 and result["desil_households"] == dict.fromkeys(range(1, 11), 20)
    assert [int(r["desil"]) for r in rows] == sorted(int(r["desil"]) for r in rows)
    assert float(rows[0]["percentile"]) == 0.5 and float(rows[-1]["percentile"]) == 100.0
    assert {r["region"] for r in rows} == {"1901", "1902", "1971"}
    assert max(float(r["region_percentile"]) for r in rows if r["region"] == "1971") == 100.0


def test_it_makes_desil_equal_shares_of_people(model, household_file, tmp_path):
    score_households(model, household_file, tmp_path / "s.csv", region_column="region_code",
                     persons_column="hh_size")
    scores = read(tmp_path / "s.csv")
    people = dict.fromkeys(range(1, 11), 0)
    with open(household_file, newline="") as handle:
        for row in csv.DictReader(handle):
            people[int(scores[row["household_id"]]["desil"])] += int(row["hh_size"])
    total = sum(people.values())
    assert all(abs(n - total / 10) <= 7 for n in people.values())  # within one household of a tenth


def test_it_imputes_and_flags_a_variable_absent_from_the_file(model, tmp_path):
    cols = draw(40, 7)
    cols.pop("hh_size")
    result = score_households(model, write(tmp_path / "h.csv", cols), tmp_path / "s.csv")
    assert result["absent_variables"] == ["hh_size"] and result["flagged"] == 40
    assert {r["flags"] for r in read(tmp_path / "s.csv").values()} == {"missing:hh_size"}


def test_it_refuses_a_file_without_the_id_column(model, household_file, tmp_path):
    with pytest.raises(ScoreError, match="nomor"):
        score_households(model, household_file, tmp_path / "s.csv", id_column="nomor", region_column="region_code")


def test_it_runs_fit_score_and_explain_from_the_command_line(tmp_path, household_file, capsys):
    survey_path = survey(tmp_path / "survey.csv", constant=[1] * 600)
    call_command("pmt", "fit", "--data", survey_path, "--target", "log_consumption_pc", "--weight", "weight",
                 "--categorical", "floor_material", "--log", "floor_area_m2,hh_size", "--region-column", "region",
                 "--interact", "has_car:floor_area_m2", "--folds", "3", "--out", str(tmp_path / "m.json"))
    out = capsys.readouterr().out
    assert "Variable constant dropped: constant in the survey." in out and "regional  RMSE" in out
    call_command("pmt", "score", "--model", str(tmp_path / "m.json"), "--data", household_file,
                 "--region-column", "region_code", "--persons-column", "hh_size", "--out", str(tmp_path / "s.parquet"))
    assert "200 households scored" in capsys.readouterr().out
    call_command("pmt", "explain", "--model", str(tmp_path / "m.json"), "--data", household_file,
                 "--household", "H00003", "--region-column", "region_code")
    assert '"model_region": "19' in capsys.readouterr().out


def test_it_reports_a_broken_model_file_as_a_command_error(tmp_path, household_file, model):
    data = model.to_dict()
    data["models"][0]["intercept"] = "tinggi"
    (tmp_path / "m.json").write_text(json.dumps(data))
    with pytest.raises(CommandError, match=r"models\[0\].intercept"):
        call_command("pmt", "score", "--model", str(tmp_path / "m.json"), "--data", household_file,
                     "--out", str(tmp_path / "s.csv"))
