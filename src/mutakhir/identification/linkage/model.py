"""Train the Fellegi-Sunter model on the data itself (no labels) and score candidate person pairs.

DuckDB runs in-process (default); Spark (`engine="spark"`, local mode unless a session is given)
is for national runs. Training is capped so that common names cannot blow up memory.
"""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

import logging
import tempfile
from contextlib import contextmanager

import duckdb
import pyarrow as pa
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from mutakhir.engines.spark import parquet_frame

from .settings import DETERMINISTIC_RULES, NO_NIK_TRAINING_RULES, TRAINING_RULES, settings

ENGINES = ("duckdb", "spark")
U_MAX_PAIRS = 1e6  # random pairs for the u probabilities
EM_MAX_PAIRS = 5e5  # blocked pairs per EM session
PRIOR_RECALL = 0.7  # share of true pairs the deterministic rules find
P_MIN = 0.001  # pairs scored below this are not returned
SEED = 20250401
LEFT, RIGHT = "registrations", "registry"


@contextmanager
def _quiet_splink():
    log = logging.getLogger("splink")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)


def make_db_api(engine: str, con: duckdb.DuckDBPyConnection | None = None, spark=None):
    """Return the Splink database API of an engine."""
    if engine == "duckdb":
        from splink.backends.duckdb import DuckDBAPI

        return DuckDBAPI(connection=con or duckdb.connect())
    if engine == "spark":
        from splink.backends.spark import SparkAPI

        # Persist (memory) breaks the lineage without a checkpoint folder, which local mode lacks.
        return SparkAPI(spark_session=spark or local_spark(), break_lineage_method="persist",
                        num_partitions_on_repartition=4)
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def result_schema() -> pa.Schema:
    """Return the schema of the scored pairs."""
    return pa.schema([("record_id_l", pa.string()), ("record_id_r", pa.string()), ("household_id_l", pa.string()),
                      ("household_id_r", pa.string()), ("match_probability", pa.float64()),
                      ("match_weight", pa.float64())])


def _rows(db_api, table: pa.Table | str) -> int:
    if isinstance(table, str):
        return db_api.duckdb_con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return table.num_rows


def local_spark():
    """Return the process's local-mode Spark session (with Splink's similarity functions)."""
    from mutakhir.engines.spark import local_session

    return local_session("local[2]", partitions=4)


def train_prior(linker, pairs: int) -> list[str]:
    """Estimate the prior (that two random people match) from the sure pairs; return notes.

    With no sure pair at all the estimate is 0, whose log Splink cannot score with: expect one in `pairs`.
    """
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=PRIOR_RECALL)
    model = linker._settings_obj  # Splink keeps the trained prior here only
    if model._probability_two_random_records_match > 0:
        return []
    model._probability_two_random_records_match = 1 / max(2, pairs)
    return ["no sure pair of people (equal NIK and birth date, or name and birth date with KK or village)"]


def train_m(linker, rule, notes: list[str] | None = None, progress=None) -> bool:
    """Run one EM session blocked by `rule`; return whether it found pairs to learn from (else note it)."""
    if progress:
        progress("training: EM")
    model = linker._settings_obj
    prior = model._probability_two_random_records_match
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
        return True
    except EMTrainingException:
        # Splink has already multiplied the prior by the Bayes factor of the rule's columns (x1024 for the
        # NIK when nobody has one) and leaves it so: put it back.
        model._probability_two_random_records_match = prior
        if notes is not None:
            notes.append(f"training skipped: no pairs with {rule.get_blocking_rule('duckdb').blocking_rule_sql}")
        return False


def link(left: pa.Table | str, right: pa.Table | str, *, engine: str = "duckdb", variant: str = "indonesian",
         con: duckdb.DuckDBPyConnection | None = None, spark=None,
         progress=None) -> tuple[pa.Table, float, list[str]]:
    """Return (scored pairs, the trained prior that two random people match, training notes).

    `left` and `right` are Arrow tables, or (DuckDB, with `con`) the names of tables in `con`: those stay
    where they are, under the connection's memory limit, rather than being copied out and back in.
    Pairs: record_id_l (registration), record_id_r (registry), household ids, match probability and weight.
    """
    notes = []
    progress = progress or (lambda note: None)
    db_api = make_db_api(engine, con, spark)
    with _quiet_splink(), tempfile.TemporaryDirectory(prefix="mutakhir-linkage-") as folder:
        if engine == "spark":
            n_left, n_right = left.num_rows, right.num_rows
            left, right = (parquet_frame(db_api.spark, t, folder, n) for t, n in ((left, LEFT), (right, RIGHT)))
        tables = [db_api.register(left, dataset_display_name=LEFT), db_api.register(right, dataset_display_name=RIGHT)]
        linker = Linker(tables, settings(variant), log_level=None)
        if engine == "duckdb":
            n_left, n_right = (_rows(db_api, t) for t in (left, right))
        progress("training: prior")
        notes += train_prior(linker, n_left * n_right)
        model = linker._settings_obj  # Splink keeps the trained prior here only
        progress("training: u probabilities")
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
        trained = [rule for rule in TRAINING_RULES if train_m(linker, rule, notes, progress)]
        if TRAINING_RULES[0] not in trained:  # no NIK in common
            trained += [rule for rule in NO_NIK_TRAINING_RULES if train_m(linker, rule, notes, progress)]
        if not trained:  # nothing to learn from: the two sides share nobody
            return result_schema().empty_table(), model._probability_two_random_records_match, notes
        progress("scoring pairs")
        scored = linker.inference.predict(threshold_match_probability=P_MIN, warning_mode="never")
        # Splink orders the two inputs itself: put the registration on the left.
        sql = f"""
            SELECT CASE WHEN source_dataset_l = '{LEFT}' THEN record_id_l ELSE record_id_r END AS record_id_l,
                   CASE WHEN source_dataset_l = '{LEFT}' THEN record_id_r ELSE record_id_l END AS record_id_r,
                   CASE WHEN source_dataset_l = '{LEFT}' THEN household_id_l ELSE household_id_r END AS household_id_l,
                   CASE WHEN source_dataset_l = '{LEFT}' THEN household_id_r ELSE household_id_l END AS household_id_r,
                   match_probability, match_weight
            FROM {scored.physical_name}"""
        if engine == "duckdb":
            result = db_api.duckdb_con.sql(sql).arrow().read_all()
        else:
            result = db_api.spark.sql(sql).toArrow()
        scored.drop_table_from_database_and_remove_from_cache()
        # Training and blocking tables stay in the connection (shared with the civil check) otherwise.
        linker.table_management.delete_tables_created_by_splink_from_db()
    return result, model._probability_two_random_records_match, notes
