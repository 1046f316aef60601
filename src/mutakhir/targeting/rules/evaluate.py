"""Evaluate a rule for one household in Python, with the clauses that qualified it or failed.

Three-valued like SQL: a test on a missing value is None (unknown); `and`/`or`/`not` follow Kleene logic;
any/all/count count only members for whom the test is True.
"""

import operator
from dataclasses import dataclass

from .ast import Between, BoolOp, Compare, In, Not, Quant, conjuncts, disjuncts, to_text

OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
       ">=": operator.ge}


@dataclass
class Explanation:
    selected: bool
    passed: list[str]  # the alternative that held, one per clause that held
    failed: list[str]  # the clauses that did not hold


def value(node, household: dict, member: dict | None, members: list[dict]):
    """Return True, False or None (unknown) for a node."""
    match node:
        case BoolOp("and", args):
            vals = [value(a, household, member, members) for a in args]
            return False if False in vals else (None if None in vals else True)
        case BoolOp("or", args):
            vals = [value(a, household, member, members) for a in args]
            return True if True in vals else (None if None in vals else False)
        case Not(arg):
            v = value(arg, household, member, members)
            return None if v is None else not v
        case Quant(kind, arg, op, n):
            hits = [value(arg, household, m, members) is True for m in members]
            if kind == "any":
                return any(hits)
            if kind == "all":
                return all(hits)
            return OPS[op](sum(hits), n)
    row = member if node.attr.member else household
    x = row.get(node.attr.name)
    if x is None:
        return None
    match node:
        case Compare(_, "startswith", prefix):
            return str(x).startswith(prefix)
        case Compare(_, op, v):
            return OPS[op](x, v)
        case In(_, values, negated):
            return (x in values) != negated
        case Between(_, low, high, negated):
            return (low <= x <= high) != negated
    raise TypeError(node)


def explain(rule, household: dict, members: list[dict]) -> Explanation:
    """Return whether the household qualifies, which alternative of each clause held, and which clauses failed."""
    passed, failed = [], []
    for clause in conjuncts(rule):
        if value(clause, household, None, members) is True:
            hit = next(d for d in disjuncts(clause) if value(d, household, None, members) is True)
            passed.append(to_text(hit))
        else:
            failed.append(to_text(clause))
    return Explanation(not failed, passed, failed)
