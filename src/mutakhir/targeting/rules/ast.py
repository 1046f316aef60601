"""Rule syntax trees, their canonical text, and the error every rule problem raises."""

from dataclasses import dataclass


class RuleError(ValueError):
    """A rule that does not parse or type-check; `column` is 1-based."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message, self.column = message, column


@dataclass(frozen=True)
class Attr:
    name: str
    member: bool = False

    def __str__(self):
        return f"member.{self.name}" if self.member else self.name


@dataclass(frozen=True)
class Compare:
    attr: Attr
    op: str  # = != < <= > >= startswith
    value: float | str


@dataclass(frozen=True)
class In:
    attr: Attr
    values: tuple
    negated: bool = False


@dataclass(frozen=True)
class Between:
    attr: Attr
    low: float
    high: float
    negated: bool = False


@dataclass(frozen=True)
class Not:
    arg: object


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    args: tuple


@dataclass(frozen=True)
class Quant:
    kind: str  # any | all | count
    arg: object
    op: str = ""  # count only
    n: float = 0


def literal(value) -> str:
    """Return the canonical text of a literal."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def to_text(node, parent: int = 0) -> str:
    """Return the canonical text of a rule (parses back to the same tree)."""
    match node:
        case BoolOp(op, args):
            text = f" {op} ".join(to_text(a, 1) for a in args)
            return f"({text})" if parent else text
        case Not(arg):
            return f"not {to_text(arg, 3)}"
        case Quant("count", arg, op, n):
            return f"count({to_text(arg)}) {op} {literal(n)}"
        case Quant(kind, arg):
            return f"{kind}({to_text(arg)})"
        case Compare(attr, op, value):
            return f"{attr} {op} {literal(value)}"
        case In(attr, values, negated):
            return f"{attr} {'not in' if negated else 'in'} ({', '.join(literal(v) for v in values)})"
        case Between(attr, low, high, negated):
            return f"{attr} {'not between' if negated else 'between'} {literal(low)} and {literal(high)}"
    raise TypeError(node)


def conjuncts(node) -> list:
    """Return the top-level `and` parts of a rule."""
    return list(node.args) if isinstance(node, BoolOp) and node.op == "and" else [node]


def disjuncts(node) -> list:
    """Return the alternatives of a clause: `a or b` -> [a, b]; `any(a or b)` -> [any(a), any(b)]."""
    if isinstance(node, BoolOp) and node.op == "or":
        return list(node.args)
    if isinstance(node, Quant) and node.kind == "any" and isinstance(node.arg, BoolOp) and node.arg.op == "or":
        return [Quant("any", a) for a in node.arg.args]
    return [node]


def attributes(node) -> set[Attr]:
    """Return every attribute a rule names."""
    match node:
        case BoolOp(_, args):
            return set().union(*(attributes(a) for a in args))
        case Not(arg) | Quant(_, arg):
            return attributes(arg)
        case _:
            return {node.attr}
