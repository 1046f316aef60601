"""A member count compared with every operator runs on DuckDB and answers as the rule reads (the property
test in test_rules.py draws operators at random, so a broken one could pass a run)."""

# ruff: noqa: S608 -- test SQL over literals the test itself writes.

import duckdb
import pytest

from mutakhir.engines.base import DUCKDB
from mutakhir.targeting.rules import parse
from mutakhir.targeting.rules.compile import compile_rule


@pytest.mark.parametrize(("op", "selected"), [("=", False), ("!=", True), ("<>", True), ("<", True),
                                               ("<=", True), (">", False), (">=", False)])
def test_a_count_of_one_against_two(op, selected):
    c, sql = compile_rule(parse(f"count(member.age < 18) {op} 2"), DUCKDB)
    assert c.aggregates and sql.count("q0") == 1
    got = duckdb.connect().execute(c.inline(f"SELECT {sql} FROM (SELECT 1 AS q0)")).fetchone()[0]
    assert got is selected
