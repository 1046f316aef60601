import pytest

from mutakhir.engines import EngineError, get_engine
from mutakhir.engines.base import type_kind


def test_it_loads_csv_as_text_and_parquet_typed(tmp_path):
    (tmp_path / "a.csv").write_text("id,n\n007,1.5\n008,\n")
    engine = get_engine("duckdb")
    assert engine.load("a", str(tmp_path / "a.csv")) == {"id": "text", "n": "text"}
    assert engine.fetch("SELECT id, n FROM a ORDER BY id") == [("007", "1.5"), ("008", None)]
    engine.export("SELECT id, TRY_CAST(n AS DOUBLE) AS n FROM a", str(tmp_path / "b.parquet"))
    assert engine.load("b", str(tmp_path / "b.parquet")) == {"id": "text", "n": "number"}
    engine.export("SELECT * FROM b ORDER BY id", str(tmp_path / "c.csv"))
    assert (tmp_path / "c.csv").read_text().splitlines() == ["id,n", "007,1.5", "008,"]
    engine.close()


def test_it_reports_the_failing_sql():
    engine = get_engine()
    with pytest.raises(EngineError, match="SELECT nothing_here"):
        engine.execute("SELECT nothing_here")


def test_it_refuses_an_unknown_engine():
    with pytest.raises(EngineError, match="unknown engine"):
        get_engine("oracle")


def test_it_classifies_native_types():
    assert [type_kind(t) for t in ("VARCHAR", "string", "BIGINT", "double", "DECIMAL(10,2)", "DATE")] == [
        "text", "text", "number", "number", "number", "other"]
