"""JSON from outside (uploads, model files, packages): every way `json.loads` fails becomes one clear error.

The json module raises RecursionError for deep nesting (a 200,000-level model file), a bare ValueError for an
integer longer than Python's int max str digits, and accepts NaN, Infinity and 1e999 as floats that later fail
a database write or a check. Callers catch one exception, JsonInputError, and show its message.
"""

import json
import math
import sys

from django.utils.translation import gettext as _

MAX_DEPTH = 64  # far more than any file the app reads; deep enough input is an attack, not data


class JsonInputError(ValueError):
    """Input that is not JSON this program accepts; the message says why, in the user's language."""


def _refuse_constant(name: str):
    raise JsonInputError(_("%(number)s is not a finite number") % {"number": name})


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _refuse_constant(text)
    return value


def _check_depth(data) -> None:
    """Walk the parsed value without recursion; refuse nesting deeper than MAX_DEPTH."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    raise JsonInputError(_("it is nested more than %(n)d levels deep") % {"n": MAX_DEPTH})
                stack.append((child, depth + 1))


def loads(text: str | bytes):
    """Return the parsed JSON, or raise JsonInputError saying what is wrong with it."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except JsonInputError:
        raise
    except RecursionError:
        raise JsonInputError(_("it is nested more than %(n)d levels deep") % {"n": MAX_DEPTH}) from None
    except UnicodeDecodeError as exc:
        raise JsonInputError(_("it is not UTF-8 text")) from exc
    except json.JSONDecodeError as exc:
        raise JsonInputError(str(exc)) from exc
    except ValueError as exc:  # int() of a number longer than the interpreter allows
        raise JsonInputError(_("a number has more than %(n)d digits") % {"n": sys.get_int_max_str_digits()}) from exc
    _check_depth(data)
    return data
