"""Tokenizer and recursive-descent parser of the rule language, with type checks and typo suggestions.

    rule    := or ;  or := and ("or" and)* ;  and := not ("and" not)* ;  not := "not" not | primary
    primary := "(" rule ")" | ("any" | "all") "(" rule ")" | "count" "(" rule ")" OP NUMBER | test
    test    := ATTR (OP value | ["not"] "in" "(" value ("," value)* ")" | ["not"] "between" value "and" value
               | "startswith" STRING)
Inside any/all/count, attributes are the member's (`member.age`); outside, the household's.
"""

import difflib
import math
import re

from django.utils.translation import gettext as _

from . import attributes as A
from .ast import Attr, Between, BoolOp, Compare, In, Not, Quant, RuleError

TOKEN = re.compile(r"""\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(?P<op><=|>=|!=|<>|==|=|<|>|\(|\)|,|-))""",
                   re.VERBOSE)
KEYWORDS = {"and", "or", "not", "in", "between", "any", "all", "count", "startswith"}
OPS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
MAX_LENGTH = 4000
MAX_DEPTH = 40


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Return (kind, text, 1-based column) tokens, ending with ("end", "", column)."""
    if len(text) > MAX_LENGTH:
        raise RuleError(_("The rule is longer than %(n)d characters.") % {"n": MAX_LENGTH}, 1)
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m:
            col = len(text) - len(text[pos:].lstrip()) + 1
            raise RuleError(_("unexpected character %(char)r at column %(col)d") % {"char": text[col - 1], "col": col},
                            col)
        kind = m.lastgroup
        value = m.group(kind)
        col = m.start(kind) + 1
        if kind == "name" and value.lower() in KEYWORDS:
            kind, value = "kw", value.lower()
        tokens.append((kind, value, col))
        pos = m.end()
    tokens.append(("end", "", len(text) + 1))
    return tokens


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


class Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self, kind: str | None = None, value: str | None = None) -> bool:
        k, v, _col = self.tokens[self.i]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(self, kind: str, value: str | None = None, expected: str = ""):
        k, v, col = self.tokens[self.i]
        if k != kind or (value is not None and v != value):
            found = _("end of rule") if k == "end" else repr(v)
            raise RuleError(_("expected %(what)s at column %(col)d, found %(found)s")
                            % {"what": expected or value or kind, "col": col, "found": found}, col)
        self.i += 1
        return v, col

    def rule(self, member: bool = False):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleError(_("the rule is nested too deeply"), self.tokens[self.i][2])
        node = self.boolean("or", member)
        self.depth -= 1
        return node

    def boolean(self, op: str, member: bool):
        lower = (lambda: self.boolean("and", member)) if op == "or" else (lambda: self.negation(member))
        args = [lower()]
        while self.peek("kw", op):
            self.i += 1
            args.append(lower())
        return args[0] if len(args) == 1 else BoolOp(op, tuple(args))

    def negation(self, member: bool):
        if self.peek("kw", "not"):
            self.i += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise RuleError(_("the rule is nested too deeply"), self.tokens[self.i][2])
            node = Not(self.negation(member))
            self.depth -= 1
            return node
        return self.primary(member)

    def primary(self, member: bool):
        k, v, col = self.tokens[self.i]
        if k == "op" and v == "(":
            self.i += 1
            node = self.rule(member)
            self.take("op", ")")
            return node
        if k == "kw" and v in ("any", "all", "count"):
            if member:
                raise RuleError(_("%(kind)s() cannot be nested inside another any/all/count (column %(col)d)")
                                % {"kind": v, "col": col}, col)
            self.i += 1
            self.take("op", "(")
            arg = self.rule(member=True)
            self.take("op", ")")
            if v != "count":
                return Quant(v, arg)
            op = self.comparison_op()
            n, _col = self.number()
            return Quant("count", arg, op, n)
        if k == "name":
            return self.test(member)
        found = _("end of rule") if k == "end" else repr(v)
        raise RuleError(_("expected an attribute, not, any(, all(, count( or ( at column %(col)d, found %(found)s")
                        % {"col": col, "found": found}, col)

    def comparison_op(self) -> str:
        k, v, col = self.tokens[self.i]
        if k == "op" and v in OPS:
            self.i += 1
            return OPS[v]
        raise RuleError(_("expected a comparison (=, !=, <, <=, >, >=) at column %(col)d") % {"col": col}, col)

    def number(self) -> tuple[float, int]:
        sign, col = 1, self.tokens[self.i][2]
        if self.peek("op", "-"):
            self.i += 1
            sign = -1
        k, v, vcol = self.tokens[self.i]
        if k != "num":
            raise RuleError(_("expected a number at column %(col)d") % {"col": vcol}, vcol)
        self.i += 1
        number = float(v)  # 1e999 and a 400-digit integer read as inf: no rule can compare with that
        if not math.isfinite(number):
            raise RuleError(_("the number at column %(col)d is too large") % {"col": vcol}, vcol)
        return sign * number, col

    def value(self, attr: Attr, kind: str):
        k, v, col = self.tokens[self.i]
        if k == "str":
            if kind != A.TEXT:
                raise RuleError(_("type error at column %(col)d: %(attr)s is a number, %(value)s is text")
                                % {"col": col, "attr": attr, "value": v}, col)
            self.i += 1
            return _unquote(v)
        if kind == A.TEXT:
            raise RuleError(_('type error at column %(col)d: %(attr)s is text; write the value in quotes, e.g. "19"')
                            % {"col": col, "attr": attr}, col)
        return self.number()[0]

    def attribute(self, member: bool) -> tuple[Attr, str]:
        name, col = self.take("name")
        is_member = name.startswith("member.")
        bare = name.removeprefix("member.")
        known = A.MEMBER if is_member else A.HOUSEHOLD
        if "." in bare or bare not in known:
            options = [f"member.{n}" for n in A.MEMBER] if is_member else list(A.HOUSEHOLD)
            close = difflib.get_close_matches(name, options, n=1)
            hint = _("; did you mean '%(name)s'?") % {"name": close[0]} if close else ""
            raise RuleError(_("unknown attribute '%(name)s' at column %(col)d") % {"name": name, "col": col} + hint,
                            col)
        if is_member and not member:
            raise RuleError(_("member attribute '%(name)s' at column %(col)d must be inside any(...), all(...) "
                              "or count(...)") % {"name": name, "col": col}, col)
        if member and not is_member:
            raise RuleError(_("household attribute '%(name)s' at column %(col)d cannot be inside any/all/count: "
                              "move it outside") % {"name": name, "col": col}, col)
        return Attr(bare, is_member), known[bare]

    def test(self, member: bool):
        attr, kind = self.attribute(member)
        negated = False
        if self.peek("kw", "not"):
            self.i += 1
            negated = True
            if not (self.peek("kw", "in") or self.peek("kw", "between")):
                self.take("kw", "in", expected="in or between")
        if self.peek("kw", "in"):
            self.i += 1
            self.take("op", "(")
            values = [self.value(attr, kind)]
            while self.peek("op", ","):
                self.i += 1
                values.append(self.value(attr, kind))
            self.take("op", ")")
            return In(attr, tuple(values), negated)
        if self.peek("kw", "between"):
            col = self.tokens[self.i][2]
            self.i += 1
            if kind == A.TEXT:
                raise RuleError(_("type error at column %(col)d: between needs a number attribute") % {"col": col}, col)
            low = self.number()[0]
            self.take("kw", "and")
            return Between(attr, low, self.number()[0], negated)
        if self.peek("kw", "startswith"):
            col = self.tokens[self.i][2]
            self.i += 1
            if kind != A.TEXT:
                raise RuleError(_("type error at column %(col)d: startswith needs a text attribute") % {"col": col},
                                col)
            return Compare(attr, "startswith", self.value(attr, kind))
        op = self.comparison_op()
        if kind == A.TEXT and op not in ("=", "!="):
            col = self.tokens[self.i - 1][2]
            raise RuleError(_("type error at column %(col)d: text can only be compared with = or !=") % {"col": col},
                            col)
        return Compare(attr, op, self.value(attr, kind))


def parse(text: str):
    """Return the syntax tree of a rule, or raise RuleError with the column of the problem."""
    p = Parser(text)
    if p.peek("end"):
        raise RuleError(_("the rule is empty"), 1)
    node = p.rule()
    if not p.peek("end"):
        _k, v, col = p.tokens[p.i]
        raise RuleError(_("unexpected %(found)r at column %(col)d: expected and, or, or the end")
                        % {"found": v, "col": col}, col)
    return node
