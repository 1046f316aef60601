import pytest
from conftest import in_english

from mutakhir.ranking.fit import fit_pmt
from mutakhir.ranking.survey import FitSettings

from .data import households, survey


def settings(**overrides) -> FitSettings:
    base = {"target": "log_consumption_pc", "weight": "weight", "categorical": ["floor_material"],
            "log": ["floor_area_m2", "hh_size"], "region_column": "region", "folds": 3}
    return FitSettings(**base | overrides)


english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = survey(tmp_path_factory.mktemp("survey") / "survey.csv")
    return fit_pmt(path, settings(interactions=[["has_car", "floor_area_m2"]]))


@pytest.fixture
def household_file(tmp_path):
    return households(tmp_path / "households.csv")
