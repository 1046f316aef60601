"""Where batch SQL runs: DuckDB by default, Spark for clusters (`get_engine("duckdb" | "spark")`)."""

from mutakhir.engines.base import Dialect, Engine, EngineError, get_engine

__all__ = ["Dialect", "Engine", "EngineError", "get_engine"]
