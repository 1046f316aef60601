# ruff: noqa: S608 -- SQL built by the code under test.
import duckdb
import pytest

from mutakhir.engines.base import DUCKDB, SPARK
from mutakhir.ranking.design import explain
from mutakhir.ranking.sql import build_coefficients_sql, build_linear_sql, build_match_sql, build_score_sql


def test_it_writes_double_literals_for_both_dialects():
    assert DUCKDB.number(0.1) == "0.1e0" and SPARK.number(-2.5e-7) == "(-2.5e-07)"
    with pytest.raises(ValueError):
        DUCKDB.number(float("nan"))


def test_it_escapes_strings_per_dialect():
    assert DUCKDB.string("it's") == "'it''s'"
    assert SPARK.string("it's \\ ok") == "'it\\'s \\\\ ok'"
    assert DUCKDB.ident('a"b') == '"a""b"' and SPARK.ident("a`b") == "`a``b`"


def test_it_matches_the_longest_region_prefix_first(model):
    sql = build_match_sql(model, DUCKDB)
    assert sql.index("substr(reg, 1, 4) IN ('1901', '1902', '1971')") < sql.index("substr(reg, 1, 2) IN ('19')")
    assert sql.endswith("ELSE '*' END")


def test_it_puts_the_model_file_coefficients_in_an_inline_table(model):
    sql = build_coefficients_sql(model, SPARK)
    assert "('1902', '1902', CAST(NULL AS STRING), " in sql and "('19', '19', 'fallback:19', " in sql
    assert sql.endswith(f"b{len(model.features())})")


def test_it_builds_one_term_per_feature(model):
    sql = build_linear_sql(model, DUCKDB)
    assert sql.count(" + ") == len(model.features())
    assert "CAST(c3 = 8.0e0 AS DOUBLE)" in sql and "x0 * x1" not in sql  # has_car * floor_area_m2 only


def test_it_skips_casts_for_typed_columns(model):
    typed = build_score_sql(model, DUCKDB, "h", {"household_id": "text", "region": "text", "floor_area_m2": "number",
                                                 "floor_material": "number", "has_car": "text"})
    assert 'CAST("floor_area_m2" AS DOUBLE) AS v0' in typed and 'CAST("floor_material" AS DOUBLE) AS k3' in typed
    assert 'TRY_CAST("has_car" AS DOUBLE)' in typed
    assert "CAST(NULL AS DOUBLE) AS v2" in typed  # hh_size absent: imputed for everyone


ROWS = [  # region, floor area, floor, car, size: ordinary, missing, unseen, unknown district, no region
    ("1901011001", "35.5", "2", "1", "3"), ("1902011001", "", "8", "0", "5"), ("1971011001", "60", "5", "1", "2"),
    ("1999011001", "20", " 6 ", "0", "7"), (None, "44", "1.0", "1", "1"), ("19.01.01.1001", "abc", None, "0", "0"),
]


def test_it_scores_like_the_python_explanation(model):
    con = duckdb.connect()
    con.execute("CREATE TABLE h (household_id VARCHAR, region VARCHAR, floor_area_m2 VARCHAR, "
                "floor_material VARCHAR, has_car VARCHAR, hh_size VARCHAR)")
    con.executemany("INSERT INTO h VALUES (?, ?, ?, ?, ?, ?)", [(f"H{i}", *r) for i, r in enumerate(ROWS)])
    columns = dict.fromkeys(["household_id", "region", "floor_area_m2", "floor_material", "has_car", "hh_size"], "text")
    sql = build_score_sql(model, DUCKDB, "h", columns, region_column="region", persons_column="hh_size")
    out = {r[0]: r for r in con.execute(f"SELECT household_id, score, model_region, flags FROM ({sql})").fetchall()}
    for i, (region, area, floor, car, size) in enumerate(ROWS):
        why = explain(model, {"region": region, "floor_area_m2": area, "floor_material": floor, "has_car": car,
                              "hh_size": size})
        _, score, model_region, _ = out[f"H{i}"]
        assert score == pytest.approx(why["score"], abs=1e-6)
        assert model_region == why["model_region"]
    flags = {k: v[3] for k, v in out.items()}
    assert flags["H0"] is None
    assert flags["H1"] == "missing:floor_area_m2"
    assert flags["H2"] == "unseen:floor_material"
    assert flags["H3"] == "fallback:19"
    assert flags["H4"] == "fallback:*"
    assert flags["H5"] == "missing:floor_area_m2;missing:hh_size;missing:floor_material;missing:persons"
