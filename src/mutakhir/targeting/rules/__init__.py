"""The rule language of program criteria: parse, print, compile to SQL, explain one household."""

from .ast import RuleError
from .parser import parse

__all__ = ["RuleError", "parse"]
