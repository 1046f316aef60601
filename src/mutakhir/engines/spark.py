"""The Spark engine (pyspark): local mode by default, or the session it is given."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from mutakhir.engines.base import SPARK, EngineError, is_parquet, type_kind


def local_session(master: str = "local[2]", partitions: int = 4):
    """Return the process's SparkSession, creating a small local one if there is none.

    There is one session per process, shared by PMT scoring, targeting and linkage, so it is always
    created with Splink's similarity functions (jar) loaded.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # Python workers must run the driver's interpreter (the venv), not the system's python3.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(master).appName("mutakhir")
             .config("spark.jars", similarity_jar_location())
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", str(partitions))
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             # Heap of the local driver JVM (Spark's 1 GB default ran out at 32,000 registry people).
             .config("spark.driver.memory", os.environ.get("MUTAKHIR_SPARK_DRIVER_MEMORY", "4g"))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def parquet_frame(spark, table, folder: str, name: str):
    """Return a DataFrame over an Arrow `table`, written as `name`.parquet in `folder` (kept while it is read).

    Not `createDataFrame(arrow)`: that makes a local relation the optimizer copies into the driver's heap
    for every query, which ran out of heap (3 GB) at 32,000 registry people.
    """
    import pyarrow.parquet as pq

    path = str(Path(folder) / f"{name}.parquet")
    pq.write_table(table, path)
    return spark.read.parquet(path)


class SparkEngine:
    dialect = SPARK

    def __init__(self, spark=None, master: str = "local[2]"):
        self.owns_session = spark is None
        self.spark = spark or local_session(master)

    def _sql(self, sql: str):
        try:
            return self.spark.sql(sql)
        except Exception as exc:  # pyspark raises many exception types
            raise EngineError(f"{exc}\n-- SQL:\n{sql}") from exc

    def load(self, name: str, path: str) -> dict[str, str]:
        reader = self.spark.read
        frame = reader.parquet(str(path)) if is_parquet(path) else reader.option("header", True).csv(str(path))
        frame.createOrReplaceTempView(name)
        return {field.name: type_kind(field.dataType.simpleString()) for field in frame.schema.fields}

    def execute(self, sql: str) -> None:
        self._sql(sql)

    def fetch(self, sql: str) -> list[tuple]:
        return [tuple(row) for row in self._sql(sql).collect()]

    def export(self, sql: str, path: str) -> None:
        frame = self._sql(sql).coalesce(1)
        with tempfile.TemporaryDirectory(dir=Path(path).parent) as tmp:
            out = Path(tmp) / "out"
            if is_parquet(path):
                frame.write.parquet(str(out))
            else:
                frame.write.option("header", True).csv(str(out))
            parts = sorted(out.glob("part-*"))
            if len(parts) != 1:
                raise EngineError(f"expected one output part, found {len(parts)}")
            shutil.move(str(parts[0]), str(path))

    def close(self) -> None:
        if self.owns_session:
            self.spark.stop()
