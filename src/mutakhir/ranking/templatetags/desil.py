"""Template filter: whether a desil is inside the national coverage (settings.DESIL_COVERAGE, e.g. 1–4)."""

from django import template
from django.utils.translation import gettext as _

from mutakhir.ranking.cutpoints import coverage

register = template.Library()


@register.filter
def desil_coverage(desil) -> str:
    """Return "within the coverage (desil 1–4)" or "outside ..." for a desil; "" for no desil."""
    try:
        value = int(desil)
    except (TypeError, ValueError):
        return ""
    if value <= coverage():
        return _("within the coverage (desil 1–%(n)s)") % {"n": coverage()}
    return _("outside the coverage (desil 1–%(n)s)") % {"n": coverage()}
