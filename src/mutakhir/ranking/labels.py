"""Words a citizen can follow for a score breakdown: a variable's label, a code's meaning, a flag's explanation.

A PMT model names its variables by the exchange format's columns (household_size, lighting, has_boat) and the
scoring engine writes flags as codes (missing:n_children;fallback:19); the household page says them in words,
from the registry's field names and code lists (one place each), so an operator can explain a score.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mutakhir.registry.codes import BY_FIELD
from mutakhir.registry.exchange.columns import HOUSEHOLDS
from mutakhir.registry.models import Household

from .model import AREA_TERM
from .snapshot import SIZE_COLUMN

FIELDS = {c.name: c.field for c in HOUSEHOLDS}


def variable_label(name: str) -> str:
    """Return a model variable's label in the active language (an interaction as 'A × B'; else the name)."""
    if "*" in name:
        return " × ".join(variable_label(part) for part in name.split("*"))
    if name == SIZE_COLUMN:
        return _("household size (members)")
    if name == AREA_TERM:
        return _("Sub-district effect")
    try:
        return str(Household._meta.get_field(FIELDS.get(name, name)).verbose_name)
    except FieldDoesNotExist:
        return name


def value_label(name: str, value) -> str:
    """Return the value a variable used: a code with its meaning, a number rounded to 2 decimals."""
    if value is None or value == "":
        return "—"
    codes = BY_FIELD.get(name)
    if codes is not None:
        try:
            code = int(float(value))
        except (TypeError, ValueError):
            return str(value)
        meaning = dict(codes.choices).get(code)
        return f"{code} – {meaning}" if meaning is not None else str(code)
    if isinstance(value, (int, float)):
        return number_format(round(value, 2), decimal_pos=0 if float(value).is_integer() else 2)
    return str(value)


def flag_labels(flags: str) -> list[str]:
    """Explain each flag of a ranking result ('missing:NAME;unseen:NAME;fallback:MODEL;...') in words."""
    out = []
    for flag in filter(None, (flags or "").split(";")):
        kind, _sep, what = flag.partition(":")
        if kind == "missing" and what == "persons":
            out.append(_("household size missing: counted as one person"))
        elif kind == "missing":
            out.append(_("no data on %(variable)s: the survey average was used") % {"variable": variable_label(what)})
        elif kind == "unseen" and what == "area":
            out.append(_("sub-district not in the survey: no sub-district effect"))
        elif kind == "unseen":
            out.append(_("%(variable)s has a value not seen in the survey") % {"variable": variable_label(what)})
        elif kind == "fallback":
            out.append(_("the model of region %(region)s was used (none of its own)") % {"region": what or "*"})
        else:
            out.append(flag)
    return out
