"""The DuckDB engine: in-process, the default."""

# ruff: noqa: S608 -- identifiers are quoted by the dialect and values written as escaped literals.

import duckdb

from mutakhir.engines.base import DUCKDB, EngineError, is_parquet, type_kind


class DuckDBEngine:
    dialect = DUCKDB

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = false")  # outputs are keyed, not ordered
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute("SET memory_limit = " + DUCKDB.string(memory_limit))

    def _run(self, sql: str):
        try:
            return self.con.execute(sql)
        except duckdb.Error as exc:
            raise EngineError(f"{exc}\n-- SQL:\n{sql}") from exc

    def load(self, name: str, path: str) -> dict[str, str]:
        source = self.dialect.string(str(path))
        reader = (f"read_parquet({source})" if is_parquet(path)
                  else f"read_csv({source}, header = true, all_varchar = true)")
        self._run(f"CREATE OR REPLACE VIEW {self.dialect.ident(name)} AS SELECT * FROM {reader}")
        return {row[0]: type_kind(row[1]) for row in self._run(f"DESCRIBE {self.dialect.ident(name)}").fetchall()}

    def execute(self, sql: str) -> None:
        self._run(sql)

    def fetch(self, sql: str, params: list | None = None) -> list[tuple]:
        try:
            return self.con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise EngineError(f"{exc}\n-- SQL:\n{sql}") from exc

    def fetch_numpy(self, sql: str) -> dict:
        """Return the columns of a query as numpy arrays (DuckDB only, for fitting)."""
        return self._run(sql).fetchnumpy()

    def export(self, sql: str, path: str) -> None:
        fmt = "PARQUET" if is_parquet(path) else "CSV, HEADER true"
        self._run(f"COPY ({sql}) TO {self.dialect.string(str(path))} (FORMAT {fmt})")

    def close(self) -> None:
        self.con.close()
