"""The engine interface: a SQL dialect plus a few calls to load files, run SQL and write results."""

import math
from dataclasses import dataclass
from typing import Protocol


class EngineError(Exception):
    """An engine could not load, run or write something."""


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments that differ between engines."""

    name: str
    quote: str  # identifier quote character
    string_type: str
    backslash_escapes: bool  # Spark string literals treat "\" as an escape; DuckDB's do not

    def ident(self, name: str) -> str:
        """Return a quoted identifier."""
        return self.quote + name.replace(self.quote, self.quote * 2) + self.quote

    def string(self, value: str) -> str:
        """Return a string literal."""
        if self.backslash_escapes:
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + value.replace("'", "''") + "'"

    def number(self, value: float) -> str:
        """Return a DOUBLE literal (scientific notation is DOUBLE in both dialects, never DECIMAL)."""
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        text = repr(float(value))
        text = text if "e" in text else text + "e0"
        return f"({text})" if text.startswith("-") else text

    def try_double(self, expr: str) -> str:
        """Return `expr` as DOUBLE, NULL where it does not parse."""
        return f"TRY_CAST({expr} AS DOUBLE)"

    def text(self, expr: str) -> str:
        """Return `expr` as trimmed text, NULL where empty."""
        return f"NULLIF(TRIM(CAST({expr} AS {self.string_type})), '')"


DUCKDB = Dialect("duckdb", '"', "VARCHAR", backslash_escapes=False)
SPARK = Dialect("spark", "`", "STRING", backslash_escapes=True)


class Engine(Protocol):
    """Runs SQL of its dialect over tables loaded from CSV or Parquet files."""

    dialect: Dialect

    def load(self, name: str, path: str) -> dict[str, str]:
        """Expose a CSV (all columns as text) or Parquet file as view `name`; return {column: type}.

        Types are "text", "number" or "other", so SQL builders can skip casts that are not needed.
        """

    def execute(self, sql: str) -> None:
        """Run a statement."""

    def fetch(self, sql: str) -> list[tuple]:
        """Return the rows of a query."""

    def export(self, sql: str, path: str) -> None:
        """Write the rows of a query to one CSV or Parquet file (by the path's suffix)."""

    def close(self) -> None:
        """Release what the engine holds."""


def type_kind(native: str) -> str:
    """Return "text", "number" or "other" for an engine's type name."""
    native = native.lower()
    if native in ("varchar", "string") or native.startswith(("varchar(", "char")):
        return "text"
    numeric = ("tinyint", "smallint", "int", "bigint", "hugeint", "float", "double", "decimal", "real", "long",
               "short", "byte", "utinyint", "usmallint", "uinteger", "ubigint")
    return "number" if native.startswith(numeric) else "other"


def is_parquet(path: str) -> bool:
    return str(path).lower().endswith((".parquet", ".pq"))


def get_engine(name: str = "duckdb", **options) -> Engine:
    """Return a new engine by name: "duckdb" (default) or "spark"."""
    if name == "duckdb":
        from mutakhir.engines.duckdb import DuckDBEngine

        return DuckDBEngine(**options)
    if name == "spark":
        from mutakhir.engines.spark import SparkEngine

        return SparkEngine(**options)
    raise EngineError(f"unknown engine {name!r}: use duckdb or spark")
