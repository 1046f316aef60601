"""Compile a rule to SQL of one dialect, with its literals as parameters.

Household attributes are columns of the row being tested; every any/all/count becomes a column `q{i}` of
a per-household aggregate over members (`member_aggregates`). SQL's NULL logic is kept: a test on an
unknown value is unknown, and unknown never selects (the evaluator in `evaluate.py` does the same).
"""

import re
from dataclasses import dataclass, field

from mutakhir.engines.base import Dialect

from .ast import Between, BoolOp, Compare, In, Not, Quant, to_text


@dataclass
class Compiled:
    """SQL text with dialect placeholders ($p0 in DuckDB, :p0 in Spark) and their values."""

    dialect: Dialect
    params: dict = field(default_factory=dict)
    aggregates: list[str] = field(default_factory=list)  # SQL over members, one per q{i}
    quants: dict = field(default_factory=dict)  # Quant node -> column name

    def param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return ("$" if self.dialect.name == "duckdb" else ":") + name

    def inline(self, sql: str) -> str:
        """Return `sql` with every placeholder replaced by an escaped literal (for engines' export calls)."""
        def literal(m):
            value = self.params[m.group(1)]
            return self.dialect.string(value) if isinstance(value, str) else self.dialect.number(value)
        return re.sub(r"[$:](p\d+)\b", literal, sql)

    def expr(self, node, member: bool = False) -> str:
        """Return the SQL boolean of a node (household level, or member level inside a quantifier)."""
        match node:
            case BoolOp(op, args):
                return "(" + f" {op.upper()} ".join(self.expr(a, member) for a in args) + ")"
            case Not(arg):
                return f"(NOT {self.expr(arg, member)})"
            case Quant():
                return self.quant(node)
            case Compare(attr, "startswith", value):
                return f"(substr({self.col(attr)}, 1, {len(value)}) = {self.param(value)})"
            case Compare(attr, op, value):
                return f"({self.col(attr)} {'<>' if op == '!=' else op} {self.param(value)})"
            case In(attr, values, negated):
                listed = ", ".join(self.param(v) for v in values)
                return f"({self.col(attr)} {'NOT IN' if negated else 'IN'} ({listed}))"
            case Between(attr, low, high, negated):
                return (f"({self.col(attr)} {'NOT BETWEEN' if negated else 'BETWEEN'} "
                        f"{self.param(low)} AND {self.param(high)})")
        raise TypeError(node)

    def col(self, attr) -> str:
        return self.dialect.ident(("m_" if attr.member else "") + attr.name)

    def quant(self, node: Quant) -> str:
        if node not in self.quants:
            test = f"CASE WHEN {self.expr(node.arg, member=True)} THEN 1 ELSE 0 END"
            agg = {"any": f"MAX({test})", "all": f"MIN({test})", "count": f"SUM({test})"}[node.kind]
            self.quants[node] = f"q{len(self.aggregates)}"
            self.aggregates.append(agg)
        name = self.quants[node]
        match node.kind:
            case "any":
                return f"(COALESCE({name}, 0) = 1)"
            case "all":
                return f"(COALESCE({name}, 1) = 1)"
        return f"(COALESCE({name}, 0) {'<>' if node.op == '!=' else node.op} {self.param(node.n)})"

    def text(self, node) -> str:
        return self.param(to_text(node))


def compile_rule(node, dialect: Dialect) -> tuple[Compiled, str]:
    """Return the compiler state (parameters, member aggregates) and the rule's SQL boolean."""
    c = Compiled(dialect)
    return c, f"COALESCE({c.expr(node)}, FALSE)"
