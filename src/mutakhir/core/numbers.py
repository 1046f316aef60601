"""Whole numbers typed by users or read from their files, parsed without the traps of `str.isdigit()` + `int()`.

`"²".isdigit()` is True and `int("²")` raises; `int()` of 5,000 digits raises ValueError (Python's int max str
digits); a text id in a lookup raises ValueError. Each of these was a 500.
"""

import re

_SMALL = re.compile(r"[0-9]{1,18}")


def small_int(text: str) -> int | None:
    """Return the number written in 1 to 18 ASCII digits (any database id fits), None for anything else."""
    return int(text) if _SMALL.fullmatch(text) else None
