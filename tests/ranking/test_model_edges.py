"""Model-file edges: the fallback flag of the pooled model, one region length or none, the compact form of
default fields, what counts as a numeric level, and an empty area code."""

import dataclasses

from mutakhir.ranking.model import POOLED, AreaEffects, AreaOffset, RegionModel, Variable, is_number

from .test_sql_categories import hand_model


def test_the_pooled_model_is_a_fallback_only_when_the_model_has_regions():
    national = hand_model()
    assert national.match("3171011001") == (national.model(POOLED), False)
    regional = dataclasses.replace(national, region_column="region")
    assert regional.match("3171011001") == (regional.model(POOLED), True)
    assert regional.match(None) == (regional.model(POOLED), True)


def test_ranking_groups_by_the_region_length_only_when_all_share_it():
    pooled = hand_model().model(POOLED)
    model = dataclasses.replace(hand_model(), models=[pooled, RegionModel("1901", n=50, intercept=6.0,
                                                                          coefficients=pooled.coefficients)])
    assert model.region_length() == 4
    model.models.append(RegionModel("190101", n=50, intercept=6.0, coefficients=pooled.coefficients))
    assert model.region_length() is None
    assert hand_model().region_length() is None  # no regional model at all


def test_default_fields_are_left_out_of_the_file():
    variables = hand_model().to_dict()["variables"]
    assert variables[0] == {"name": "area", "kind": "numeric", "transform": "log", "offset": 1.0, "fill": 30.0}
    assert variables[1] == {"name": "size", "kind": "numeric", "fill": 3.0}
    assert variables[3] == {"name": "roof", "kind": "categorical", "levels": ["tile", "zinc", "thatch"],
                            "base": "tile"}


def test_only_finite_numbers_are_numeric_levels():
    assert [is_number(t) for t in ("3", "-2.5", "1e3", "inf", "nan", "x", "")] == [True, True, True, False, False,
                                                                                   False, False]
    assert not Variable("v", "categorical", levels=["1", "inf"], base="1").numeric_levels


def test_an_empty_area_code_has_no_offset():
    areas = AreaEffects(digits=6, offsets=[AreaOffset("", offset=0.5), AreaOffset("190101", offset=0.04)])
    assert areas.offset("") is None and areas.offset(None) is None and areas.offset("190101") == 0.04
    assert areas.code("19.01.01.1001") == "190101" and areas.code(" ") is None
