"""The rule language: parsing, errors, canonical text, and Python evaluation agreeing with SQL."""

# ruff: noqa: S608 -- test SQL over literals the test itself generates.

import contextlib

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutakhir.engines.base import DUCKDB, SPARK
from mutakhir.targeting.rules import RuleError, parse
from mutakhir.targeting.rules import attributes as A
from mutakhir.targeting.rules.ast import Attr, Between, BoolOp, Compare, In, Not, Quant, to_text
from mutakhir.targeting.rules.compile import compile_rule
from mutakhir.targeting.rules.evaluate import explain, value

from .data import PKH

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")


def test_it_parses_the_pkh_rule():
    rule = parse(PKH)
    assert isinstance(rule, BoolOp) and rule.op == "and"
    assert rule.args[0] == Compare(Attr("desil"), "<=", 4)
    assert isinstance(rule.args[1], Quant) and rule.args[1].kind == "any"


@pytest.mark.parametrize(("text", "message"), [
    ("desi <= 4", "unknown attribute 'desi' at column 1; did you mean 'desil'?"),
    ('desil <= "x"', 'type error at column 10: desil is a number, "x" is text'),
    ("region_code = 19", "type error at column 15: region_code is text"),
    ("member.age < 6", "must be inside any(...)"),
    ("any(desil < 3)", "cannot be inside any/all/count"),
    ("any(member.agee < 3)", "did you mean 'member.age'?"),
    ("desil <= 4 and", "expected an attribute"),
    ("desil <= 4 4", "unexpected '4' at column 12"),
    ("desil ! 4", "unexpected character '!' at column 7"),
    ("", "the rule is empty"),
    ("any(any(member.age < 3))", "cannot be nested"),
    ("desil between 1", "expected and at column 16"),
])
def test_it_reports_errors_with_position(text, message):
    with pytest.raises(RuleError) as err:
        parse(text)
    assert message in err.value.message


def test_it_reads_in_between_not_count_and_prefix():
    rule = parse('region_code startswith "1901" and desil not in (9, 10) and not percentile between 0 and 5 '
                 "and count(member.age < 18) >= 2 and all(member.disability = 0)")
    assert parse(to_text(rule)) == rule
    assert "startswith" in to_text(rule)


def test_it_evaluates_with_sql_null_logic():
    rule = parse("floor_area_m2 < 20 or desil <= 2")
    assert value(rule, {"floor_area_m2": None, "desil": 5}, None, []) is None
    assert value(rule, {"floor_area_m2": None, "desil": 1}, None, []) is True
    assert value(parse("not floor_area_m2 < 20"), {"floor_area_m2": None}, None, []) is None


def test_it_explains_which_clause_qualified_or_failed():
    rule = parse(PKH)
    members = [{"age": 40, "pregnant": 0, "school_attendance": 0, "disability": 0},
               {"age": 3, "pregnant": 0, "school_attendance": 0, "disability": 0}]
    yes = explain(rule, {"desil": 2}, members)
    assert yes.selected and yes.passed == ["desil <= 4", "any(member.age < 6)"]
    no = explain(rule, {"desil": 6}, members[:1])
    assert not no.selected and no.failed[0] == "desil <= 4" and no.failed[1].startswith("any(")


def test_it_compiles_with_parameters_per_dialect():
    c, sql = compile_rule(parse('desil <= 4 and region_code startswith "19"'), DUCKDB)
    assert "$p0" in sql and c.params == {"p0": 4.0, "p1": "19"}
    s, spark_sql = compile_rule(parse("desil <= 4"), SPARK)
    assert ":p0" in spark_sql and "'" not in spark_sql
    hostile = parse("region_code = \"x'; DROP TABLE t; --\"")
    c, sql = compile_rule(hostile, DUCKDB)
    assert "DROP" not in sql and "DROP" in c.inline(sql) and "x''; DROP" in c.inline(sql)


# -- property tests ------------------------------------------------------------------------------------------

numbers = st.integers(min_value=-1000, max_value=10**6).map(float) | st.floats(0, 1000, allow_nan=False).map(
    lambda x: round(x, 3))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)


def _tests(member: bool):
    names = A.MEMBER if member else A.HOUSEHOLD
    num_attrs = st.sampled_from([Attr(n, member) for n, t in names.items() if t == A.NUMBER])
    leaves = [
        st.builds(Compare, num_attrs, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), numbers),
        st.builds(In, num_attrs, st.lists(numbers, min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(Between, num_attrs, numbers, numbers, st.booleans()),
    ]
    if not member:
        leaves.append(st.builds(Compare, st.just(Attr("region_code")), st.sampled_from(["=", "!=", "startswith"]),
                                texts))
    return st.one_of(leaves)


def _tree(leaf):
    return st.recursive(leaf, lambda kids: st.one_of(
        st.builds(Not, kids),
        st.builds(BoolOp, st.sampled_from(["and", "or"]), st.lists(kids, min_size=2, max_size=3).map(tuple))),
        max_leaves=6)


member_rules = _tree(_tests(True))
quants = st.builds(Quant, st.sampled_from(["any", "all"]), member_rules) | st.builds(
    Quant, st.just("count"), member_rules, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
    st.integers(0, 5).map(float))
rules = _tree(_tests(False) | quants)


@settings(max_examples=300, deadline=None)
@given(rules)
def test_it_round_trips_canonical_text(rule):
    assert parse(to_text(rule)) == rule


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.lists(st.sampled_from(
    ["desil", "member.age", "any(", "count(", ")", "(", "and", "or", "not", "in", "between", "<=", "=", "4",
     '"19"', ",", "-", "x", "startswith"]), max_size=15).map(" ".join))
def test_it_raises_only_rule_errors(text):
    with contextlib.suppress(RuleError):
        parse(text)


@settings(max_examples=150, deadline=None)
@given(rules, st.lists(st.tuples(st.sampled_from([None, 1.0, 4.0]), st.sampled_from([None, 0.0, 1.0, 3.0]),
                                  st.sampled_from([None, 2.0, 30.0, 80.0])), max_size=3))
def test_it_evaluates_like_sql(rule, people):
    """The Python evaluator and the compiled SQL agree on one household, NULLs included."""
    household = {n: 3.0 for n, t in A.HOUSEHOLD.items() if t == A.NUMBER} | {"region_code": "1901011001"}
    members = [{n: None for n in A.MEMBER} | {"disability": d, "pregnant": p, "age": a} for d, p, a in people]
    c, sql = compile_rule(rule, DUCKDB)
    con = duckdb.connect()
    mem_cols = ", ".join(f'CAST(? AS DOUBLE) AS "m_{n}"' for n in A.MEMBER)
    con.execute("CREATE TABLE m (" + ", ".join(f'"m_{n}" DOUBLE' for n in A.MEMBER) + ")")
    for m in members:
        con.execute(f"INSERT INTO m SELECT {mem_cols}", [m[n] for n in A.MEMBER])
    aggs = ", ".join(f"(SELECT {a} FROM m) AS q{i}" for i, a in enumerate(c.aggregates)) or "1 AS q_"
    hh = ", ".join(f'{DUCKDB.string(v) if isinstance(v, str) else v} AS "{n}"' for n, v in household.items())
    got = con.execute(c.inline(f"SELECT {sql} FROM (SELECT {hh}, {aggs})")).fetchone()[0]
    assert got == (value(rule, household, None, members) is True)
