"""Kemendagri region codes: `19`, `19.01`, `19.01.02`, `19.01.02.2001`, with or without dots.

The database keeps codes without dots (`1901022001`, as in the exchange format) so that a region's
descendants are exactly the codes that start with its own.
"""

import re

LEVEL_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 10}
LENGTH_LEVELS = {v: k for k, v in LEVEL_LENGTHS.items()}
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_PLAIN = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{10})$")


class RegionCodeError(ValueError):
    """A string that is not a Kemendagri region code."""


def normalize_code(code: str) -> str:
    """Return the code without dots; raise RegionCodeError for anything else."""
    text = str(code).strip()
    if _DOTTED.match(text):
        return text.replace(".", "")
    if _PLAIN.match(text):
        return text
    raise RegionCodeError(text)


def dotted(code: str) -> str:
    """Return `19.01.02.2001` for `1901022001` (any level)."""
    plain = normalize_code(code)
    parts = [plain[0:2], plain[2:4], plain[4:6], plain[6:10]]
    return ".".join(p for p in parts if p)


def level_of(code: str) -> int:
    return LENGTH_LEVELS[len(normalize_code(code))]


def parent_code(code: str) -> str | None:
    plain = normalize_code(code)
    level = LENGTH_LEVELS[len(plain)]
    return plain[: LEVEL_LENGTHS[level - 1]] if level > 1 else None
