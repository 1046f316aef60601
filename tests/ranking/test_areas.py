"""Small-area effects: empirical-Bayes offsets per sub-district, kept in the model file, applied by the SQL."""

import copy
import csv
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from mutakhir.ranking.areas import estimate_areas
from mutakhir.ranking.breakdown import latest_breakdown
from mutakhir.ranking.design import explain
from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.model import AREA_TERM, ModelError, PmtModel
from mutakhir.ranking.score import score_households
from mutakhir.ranking.services import do_publish_model, do_rank_registry
from mutakhir.ranking.survey import FitError
from mutakhir.registry.models import Household

from .conftest import settings as fit_settings
from .data import AREA_EFFECTS, SMALL_AREA, draw, with_areas, write
from .registry import fill_registry

AREAS = {"area_column": "region_code", "area_digits": 6}


@pytest.fixture(scope="module")
def area_model(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("areas") / "survey.csv", with_areas(draw(900, 1), 4, small=4))
    return fit_pmt(path, fit_settings(**AREAS))


def test_the_offsets_match_a_hand_computation():
    areas = np.array(["A", "A", "A", "B", "B", "C", None], dtype=object)
    residual = np.array([0.5, 0.7, 0.3, -0.2, -0.4, 0.1, 9.0])  # the row without an area is left out
    effects = estimate_areas(areas, residual)
    # Area means 0.5, -0.3, 0.1 (n 3, 2, 1); grand mean 1/6; 6 rows in 3 areas.
    within = (0.0 + 0.04 + 0.04 + 0.01 + 0.01 + 0.0) / (6 - 3)
    between = (3 * (0.5 - 1 / 6) ** 2 + 2 * (-0.3 - 1 / 6) ** 2 + (0.1 - 1 / 6) ** 2 - 2 * within) / (6 - 14 / 6)
    assert (within, between) == pytest.approx((0.0333333, 0.1927273), abs=1e-7)
    assert (effects.within, effects.between) == pytest.approx((within, between), abs=1e-8)
    got = {o.area: o for o in effects.offsets}
    assert list(got) == ["A", "B", "C"]
    for area, n, mean in (("A", 3, 0.5), ("B", 2, -0.3), ("C", 1, 0.1)):
        gamma = between / (between + within / n)
        assert (got[area].n, got[area].mean_residual) == (n, pytest.approx(mean))
        assert got[area].gamma == pytest.approx(gamma, abs=1e-6)
        assert got[area].offset == pytest.approx(gamma * mean, abs=1e-6)
    assert got["A"].gamma > got["B"].gamma > got["C"].gamma  # fewer households, more shrinkage toward 0
    assert got["C"].offset == pytest.approx(0.085255, abs=1e-6)  # gamma 0.852547


def test_areas_that_do_not_differ_get_no_offset():
    areas = np.array(["A", "A", "B", "B"], dtype=object)
    effects = estimate_areas(areas, np.array([0.3, -0.3, 0.2, -0.2]))  # both means 0: between clipped to 0
    assert effects.between == 0 and [o.offset for o in effects.offsets] == [0, 0]


def test_it_refuses_areas_it_cannot_estimate():
    with pytest.raises(FitError, match="at least 2 areas"):
        estimate_areas(np.array(["A", "A"], dtype=object), np.array([0.1, 0.2]))
    with pytest.raises(FitError, match="more survey rows than areas"):
        estimate_areas(np.array(["A", "B"], dtype=object), np.array([0.1, 0.2]))


def test_a_fitted_model_recovers_the_area_effects_and_shrinks_the_small_area(area_model):
    offsets = {o.area: o for o in area_model.areas.offsets}
    assert len(offsets) == 13 and area_model.areas.digits == 6 and area_model.areas.column == "region_code"
    assert offsets[SMALL_AREA].n == 4
    true = [AREA_EFFECTS[int(code[4:]) - 1] for code in offsets if code != SMALL_AREA]
    found = [o.offset for code, o in offsets.items() if code != SMALL_AREA]
    assert np.corrcoef(true, found)[0, 1] > 0.95
    small = offsets[SMALL_AREA]
    assert small.gamma < 0.85 < min(o.gamma for code, o in offsets.items() if code != SMALL_AREA)
    assert abs(small.offset) < abs(small.mean_residual)
    cv = area_model.validation
    assert cv["with_areas"]["rmse"] < cv["regional"]["rmse"] - 0.03  # out of fold: the area term pays


def test_the_area_block_round_trips_through_json(area_model, tmp_path):
    area_model.save(tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text())
    assert data["version"] == 2 and list(data["areas"])[:2] == ["column", "digits"]
    assert list(data["areas"]["offsets"][0]) == ["area", "n", "mean_residual", "gamma", "offset"]
    assert PmtModel.load(tmp_path / "m.json").to_dict() == area_model.to_dict()


def _offset(d, i, **change):
    d["areas"]["offsets"][i].update(change)


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d.update(areas=[]), "areas"),
    (lambda d: d.update(version=1), "areas"),
    (lambda d: d["areas"].update(digits=0), "areas.digits"),
    (lambda d: d["areas"].update(between=-0.1), "areas.between"),
    (lambda d: d["areas"].pop("within"), "areas.within"),
    (lambda d: d["areas"].update(offsets=[]), "areas.offsets"),
    (lambda d: d["areas"]["offsets"].append("190101"), "areas.offsets[13]"),
    (lambda d: _offset(d, 0, offset="besar"), "areas.offsets[0].offset"),
    (lambda d: _offset(d, 1, gamma=1.5, offset=1.5 * d["areas"]["offsets"][1]["mean_residual"]),
     "areas.offsets[1].gamma"),
    (lambda d: _offset(d, 2, offset=d["areas"]["offsets"][2]["offset"] + 0.1), "areas.offsets[2].offset"),
    (lambda d: _offset(d, 3, area=d["areas"]["offsets"][0]["area"]), "areas.offsets[3].area"),
    (lambda d: _offset(d, 0, area="1901"), "areas.offsets[0].area"),
    (lambda d: _offset(d, 0, area="19.01.01"), "areas.offsets[0].area"),
    (lambda d: _offset(d, 0, n=0), "areas.offsets[0].n"),
    (lambda d: d["variables"][0].update(name=AREA_TERM), "variables[0].name"),
])
def test_it_names_the_field_of_a_malformed_area_block(area_model, edit, field):
    data = copy.deepcopy(area_model.to_dict())
    edit(data)
    with pytest.raises(ModelError, match=f"field {field.replace('[', r'\[').replace(']', r'\]')}:"):
        PmtModel.from_dict(data)


def test_the_message_says_why_the_offset_is_wrong(area_model):
    data = copy.deepcopy(area_model.to_dict())
    _offset(data, 0, offset=0.5)
    with pytest.raises(ModelError, match=r"is not gamma \* mean_residual"):
        PmtModel.from_dict(data)


def households_with_areas(tmp_path, n: int = 80) -> tuple[str, dict]:
    """Write households in known sub-districts, one in an unsurveyed sub-district and one without a region."""
    cols = with_areas(draw(n, 8), 9)
    cols["household_id"] = [f"H{i:04d}" for i in range(n)]
    cols["region_code"][0] = "1971090001"  # sub-district 197109: not in the survey
    cols["region_code"][1] = None
    cols["floor_area_m2"][2] = None
    for name in ("weight", "log_consumption_pc", "region"):
        cols.pop(name)
    return write(tmp_path / "h.csv", cols), cols


def read(path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["household_id"]: row for row in csv.DictReader(handle)}


def test_the_sql_score_is_the_breakdown_with_its_area_line(area_model, tmp_path):
    data, cols = households_with_areas(tmp_path)
    result = score_households(area_model, data, tmp_path / "s.csv", region_column="region_code")
    out = read(tmp_path / "s.csv")
    assert result["households"] == 80
    for i, hid in enumerate(cols["household_id"]):
        row = {name: values[i] for name, values in cols.items()}
        why = explain(area_model, row, "region_code")
        area = next(t for t in why["terms"] if t["variable"] == AREA_TERM)
        assert why["score"] == pytest.approx(why["intercept"] + sum(t["contribution"] for t in why["terms"]))
        assert float(out[hid]["score"]) == pytest.approx(why["score"], abs=1e-6)
        if i > 1:
            assert area["used"] == row["region_code"][:6] and area["flag"] == ""
            assert area["contribution"] == area_model.areas.offset(row["region_code"][:6]) != 0
    assert out["H0000"]["flags"] == "unseen:area" and out["H0001"]["flags"] == "fallback:*;unseen:area"
    assert out["H0002"]["flags"] == "missing:floor_area_m2"
    assert [t["flag"] for t in explain(area_model, {"region_code": "1971090001"}, "region_code")["terms"]
            if t["variable"] == AREA_TERM] == ["unseen"]


def test_without_the_area_term_the_scores_move_by_the_offsets(area_model, tmp_path):
    data, cols = households_with_areas(tmp_path)
    score_households(area_model, data, tmp_path / "with.csv", region_column="region_code")
    plain = PmtModel.from_dict({k: v for k, v in area_model.to_dict().items() if k != "areas"})
    score_households(plain, data, tmp_path / "without.csv", region_column="region_code")
    with_areas_, without = read(tmp_path / "with.csv"), read(tmp_path / "without.csv")
    for hid, code in zip(cols["household_id"][2:], cols["region_code"][2:], strict=True):
        shift = float(with_areas_[hid]["score"]) - float(without[hid]["score"])
        assert shift == pytest.approx(area_model.areas.offset(code[:6]), abs=2e-6)


def test_the_command_line_fits_area_effects(tmp_path, capsys):
    path = write(tmp_path / "survey.csv", with_areas(draw(600, 1), 4))
    call_command("pmt", "fit", "--data", path, "--target", "log_consumption_pc", "--weight", "weight",
                 "--categorical", "floor_material", "--log", "floor_area_m2,hh_size", "--region-column", "region",
                 "--area-column", "region_code", "--area-digits", "6", "--folds", "3",
                 "--out", str(tmp_path / "m.json"))
    out = capsys.readouterr().out
    assert "Area effects: 12 areas" in out and "with_areas" in out
    assert len(PmtModel.load(tmp_path / "m.json").areas.offsets) == 12


def test_the_household_breakdown_has_an_area_line_and_sums_to_the_score(db, make_household, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cols = with_areas(draw(600, 1), 4)
    cols["household_size"] = cols.pop("hh_size")
    fit = fit_settings(log=["floor_area_m2", "household_size"], **AREAS)
    model = fit_pmt(write(tmp_path / "survey.csv", cols), fit)
    households = fill_registry(make_household, n=9)
    run = do_rank_registry(do_publish_model(model.to_dict(), name="pmt-areas"))
    assert run.results.count() == 9
    for household in Household.objects.filter(pk__in=[h.pk for h in households]):
        breakdown = latest_breakdown(household)
        terms = {t["variable"]: t for t in breakdown.why["terms"]}
        assert terms[AREA_TERM]["used"] == household.region_id[:6]
        assert terms[AREA_TERM]["contribution"] == model.areas.offset(household.region_id[:6]) != 0
        total = breakdown.why["intercept"] + sum(t["contribution"] for t in breakdown.why["terms"])
        assert total == pytest.approx(breakdown.result.score, abs=1e-6)
    with translation.override("id"):  # labels are put into the breakdown in the request's language
        page = render_to_string("ranking/_household.html", {"ranking": latest_breakdown(household)})
    assert "Efek kecamatan" in page and AREA_TERM not in page  # the area line has a label, not its key
