"""Template filters of the verivali report tables."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """Return mapping[key] (a dict lookup with a variable key)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
