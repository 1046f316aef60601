"""The scoring SQL against the Python explanation on a hand-built model: text and numeric category keys over
text and number columns, two interactions (each its own coefficient), and the missing/unseen flags."""

# ruff: noqa: S608 -- SQL built by the code under test.
import math

import duckdb
import pytest

from mutakhir.engines.base import DUCKDB
from mutakhir.ranking.design import explain
from mutakhir.ranking.model import POOLED, PmtModel, RegionModel, Variable
from mutakhir.ranking.sql import build_score_sql

VARIABLES = [Variable("area", "numeric", transform="log", offset=1.0, fill=30.0),
             Variable("size", "numeric", fill=3.0), Variable("car", "numeric", fill=0.0),
             Variable("roof", "categorical", levels=["tile", "zinc", "thatch"], base="tile"),
             Variable("floor", "categorical", levels=["1", "2", "8"], base="2")]
COEFFICIENTS = {"area": 0.3, "size": -0.1, "car": 0.5, "roof=zinc": -0.2, "roof=thatch": -0.4,
                "floor=1": 0.25, "floor=8": -0.35, "car*area": 0.07, "car*size": -0.03}
COLUMNS = ["household_id", "area", "size", "car", "roof", "floor"]


def hand_model() -> PmtModel:
    model = PmtModel("log_consumption_pc", VARIABLES, [RegionModel(POOLED, level="pooled", n=100, intercept=6.0,
                                                                   coefficients=COEFFICIENTS)],
                     interactions=[["car", "area"], ["car", "size"]])
    return PmtModel.from_dict(model.to_dict())  # a valid model file


def scores(rows: list[tuple], types: dict[str, str]) -> dict:
    """Score rows (household_id first) stored with SQL `types` per column; return {id: (score, flags)}."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE h ({', '.join(f'{c} {types.get(c, 'VARCHAR')}' for c in COLUMNS)})")
    con.executemany(f"INSERT INTO h VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    kinds = {c: "number" if types.get(c) == "DOUBLE" else "text" for c in COLUMNS}
    sql = build_score_sql(hand_model(), DUCKDB, "h", kinds)
    return {r[0]: (r[1], r[2]) for r in con.execute(f"SELECT household_id, score, flags FROM ({sql})").fetchall()}


def assert_like_explanation(out: dict, rows: list[tuple]):
    model = hand_model()
    for row in rows:
        why = explain(model, {c: None if v is None else str(v) for c, v in zip(COLUMNS, row, strict=True)})
        assert out[row[0]][0] == pytest.approx(why["score"], abs=1e-6), row


def test_two_interactions_each_take_their_own_coefficient():
    rows = [("A", "40", "4", "1", "tile", "2"), ("B", "10", "2", "1", "tile", "2"), ("C", "40", "6", "0", "tile", "2")]
    out = scores(rows, {})
    assert_like_explanation(out, rows)
    expected = 6.0 + 0.3 * math.log(41) - 0.1 * 4 + 0.5 + 0.07 * math.log(41) - 0.03 * 4
    assert out["A"][0] == pytest.approx(expected, abs=1e-6)


TEXT_ROWS = [  # roof: a level, the base, missing, blank, unseen; floor: numeric codes read from text
    ("T1", "40", "4", "0", "zinc", "8"), ("T2", "40", "4", "0", "tile", "1"), ("T3", "40", "4", "0", None, "2"),
    ("T4", "40", "4", "0", "  ", "2"), ("T5", "40", "4", "0", "straw", "2"), ("T6", "40", "4", "0", "thatch", "08"),
    ("T7", "40", "4", "0", "thatch", "stone"), ("T8", "40", "4", "0", "zinc", None),
]


def test_text_categories_score_and_flag_like_the_explanation():
    out = scores(TEXT_ROWS, {})
    assert_like_explanation(out, TEXT_ROWS)
    flags = {k: v[1] for k, v in out.items()}
    assert flags == {"T1": None, "T2": None, "T3": "missing:roof", "T4": "missing:roof", "T5": "unseen:roof",
                     "T6": None, "T7": "unseen:floor", "T8": "missing:floor"}
    assert out["T1"][0] - out["T2"][0] == pytest.approx(-0.2 - 0.35 - 0.25, abs=1e-6)


def test_numeric_category_keys_read_from_a_number_column():
    rows = [("N1", 40.0, 4.0, 0.0, "zinc", 8.0), ("N2", 40.0, 4.0, 1.0, "tile", 1.0),
            ("N3", 40.0, 4.0, 0.0, "tile", None), ("N4", 40.0, 4.0, 0.0, "tile", 5.0)]
    out = scores(rows, dict.fromkeys(["area", "size", "car", "floor"], "DOUBLE"))
    assert_like_explanation(out, rows)
    assert {k: v[1] for k, v in out.items()} == {"N1": None, "N2": None, "N3": "missing:floor",
                                                 "N4": "unseen:floor"}
