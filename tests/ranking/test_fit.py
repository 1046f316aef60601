import numpy as np
import pytest

from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.survey import FitError, FitSettings

from .conftest import settings
from .data import draw, survey, write


def test_it_recovers_the_known_coefficients(model):
    pooled = model.model("*")
    assert pooled.coefficients["floor_area_m2"] == pytest.approx(0.3, abs=0.06)
    assert pooled.coefficients["floor_material=8"] == pytest.approx(-0.3, abs=0.08)
    assert model.variable("floor_material").base == "6"  # the weighted mode is the reference
    assert model.model("1902").intercept > model.model("1901").intercept


def test_it_reports_cross_validated_errors_of_regional_and_pooled_models(model):
    cv = model.validation
    assert cv["folds"] == 3 and str(cv["ridge_lambda"]) in {str(x) for x in cv["rmse_by_lambda"]}
    assert 0.25 < cv["regional"]["rmse"] < 0.4
    assert {"rmse", "r2", "exclusion_error_40"} <= set(cv["pooled"])


def test_it_fits_province_and_pooled_parents(model):
    assert model.model("19").level == "province"
    assert model.model("1901").parent == "19"


def test_it_drops_a_constant_column_and_says_so(tmp_path):
    path = survey(tmp_path / "s.csv", constant=[7] * 600)
    model = fit_pmt(path, settings())
    assert "constant" not in [v.name for v in model.variables]
    assert {"name": "constant", "reason": "constant in the survey"} in model.survey["dropped_variables"]


def test_it_gives_a_small_region_its_parent_model(tmp_path):
    cols = draw(600, 3, regions=("1901", "1902", "3201"), shares=[0.5, 0.49, 0.01])
    model = fit_pmt(write(tmp_path / "s.csv", cols), settings(min_obs=1))
    small = model.model("3201")
    assert not small.fitted and small.uses == "*"  # its province "32" is too small as well
    assert "fewer than the" in small.reason and small.n < 10
    assert model.match("3201011001") == (model.model("*"), True)


def test_it_drops_rows_without_a_target_and_counts_them(tmp_path):
    cols = draw(300, 4)
    cols["log_consumption_pc"][:7] = np.nan
    model = fit_pmt(write(tmp_path / "s.csv", cols), settings())
    assert model.survey["dropped_no_target"] == 7 and model.survey["rows_used"] == 293


def test_it_refuses_a_survey_without_any_target(tmp_path):
    path = survey(tmp_path / "s.csv", n=50, log_consumption_pc=[None] * 50)
    with pytest.raises(FitError, match="No survey row"):
        fit_pmt(path, settings())


def test_it_refuses_a_text_column_not_named_categorical(tmp_path):
    path = survey(tmp_path / "s.csv", n=50, village_name=["Desa A"] * 50)
    with pytest.raises(FitError, match="village_name"):
        fit_pmt(path, settings())


def test_it_names_a_missing_column(tmp_path):
    with pytest.raises(FitError, match="nope"):
        fit_pmt(survey(tmp_path / "s.csv", n=50), settings(weight="nope"))


def test_it_imputes_missing_survey_values_and_counts_them(tmp_path):
    cols = draw(300, 5)
    cols["floor_area_m2"][:4] = np.nan
    model = fit_pmt(write(tmp_path / "s.csv", cols), settings())
    assert model.survey["imputed"] == {"floor_area_m2": 4}
    fill = model.variable("floor_area_m2").fill
    assert np.exp(np.mean(np.log(cols["floor_area_m2"][4:]))) == pytest.approx(fill, rel=0.05)  # geometric mean


def test_it_fits_without_regions_and_uses_offset_for_zero_counts(tmp_path):
    path = survey(tmp_path / "s.csv", n=200, livestock=[0, 1, 2, 3] * 50)
    model = fit_pmt(path, FitSettings(target="log_consumption_pc", log=["livestock"], folds=2,
                                      ignore=["region", "weight"]))
    assert [m.region for m in model.models] == ["*"]
    assert model.variable("livestock").offset == 1.0


def test_it_reports_gradient_boosting_beside_the_linear_model(tmp_path):
    model = fit_pmt(survey(tmp_path / "s.csv", n=300), settings(boosting=True, folds=2))
    assert model.validation["boosting"]["rmse"] > 0
    assert model.model("*").coefficients  # the linear model stays the model


def test_it_counts_missing_survey_answers_without_making_them_a_level(tmp_path):
    cols = draw(300, 6)
    cols["floor_material"] = [None] * 5 + list(cols["floor_material"][5:])
    model = fit_pmt(write(tmp_path / "s.csv", cols), settings())
    assert model.variable("floor_material").levels == ["1", "2", "6", "8"]
    assert model.survey["imputed"]["floor_material"] == 5
