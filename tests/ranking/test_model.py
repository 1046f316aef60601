import copy
import json

import pytest

from mutakhir.ranking.design import explain
from mutakhir.ranking.model import ModelError, PmtModel


def test_it_round_trips_through_json(model, tmp_path):
    model.save(tmp_path / "m.json")
    again = PmtModel.load(tmp_path / "m.json")
    assert again.to_dict() == model.to_dict()
    assert list(json.loads((tmp_path / "m.json").read_text()))[:4] == ["format", "version", "target", "region_column"]


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d.update(version=7), "version"),
    (lambda d: d["variables"][0].update(kind="fuzzy"), "variables[0].kind"),
    (lambda d: d["variables"][0].pop("fill"), "variables[0].fill"),
    (lambda d: d["variables"][3].update(base="99"), "variables[3].base"),
    (lambda d: d["models"][1].pop("intercept"), "models[1].intercept"),
    (lambda d: d["models"][0]["coefficients"].update(has_car="banyak"), "models[0].coefficients.has_car"),
    (lambda d: d["models"][0]["coefficients"].update(made_up=1.0), "models[0].coefficients.made_up"),
    (lambda d: d["models"][0]["coefficients"].pop("floor_material=8"), "models[0].coefficients.floor_material=8"),
    (lambda d: d["models"][2].update(uses="nowhere"), "models[2].uses"),
    (lambda d: d["interactions"].append({"of": ["has_car", "floor_material"]}), "interactions[1].of"),
    (lambda d: d["models"].pop(0), "models"),
])
def test_it_names_the_field_of_a_hand_edited_model(model, edit, field):
    data = copy.deepcopy(model.to_dict())
    edit(data)
    with pytest.raises(ModelError, match=f"field {field.replace('[', r'\[').replace(']', r'\]')}:"):
        PmtModel.from_dict(data)


def test_it_rejects_a_file_that_is_not_json(tmp_path):
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        PmtModel.load(tmp_path / "m.json")


def test_it_explains_a_score_as_contributions(model):
    row = {"region": "1902", "floor_area_m2": "40", "floor_material": "8", "has_car": "1", "hh_size": "4"}
    why = explain(model, row)
    coef = model.model("1902").coefficients
    terms = {t["variable"]: t for t in why["terms"]}
    assert why["model_region"] == "1902" and not why["fallback"]
    assert terms["floor_material"]["contribution"] == pytest.approx(coef["floor_material=8"])
    assert terms["has_car*floor_area_m2"]["used"] == pytest.approx(__import__("math").log(40))
    assert why["score"] == pytest.approx(why["intercept"] + sum(t["contribution"] for t in why["terms"]))


def test_it_flags_missing_and_unseen_answers_in_an_explanation(model):
    why = explain(model, {"region": "1999", "floor_material": "5", "has_car": "0", "hh_size": "2"})
    terms = {t["variable"]: t for t in why["terms"]}
    assert terms["floor_area_m2"]["flag"] == "missing"
    assert terms["floor_area_m2"]["used"] == model.variable("floor_area_m2").fill
    assert terms["floor_material"] == {"variable": "floor_material", "value": "5", "used": "6", "contribution": 0.0,
                                       "flag": "unseen"}
    assert why["model_region"] == "19" and why["fallback"]  # unknown district of a known province
