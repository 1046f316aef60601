"""Template filters of verivali: report tables, and who sees the verivali links."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """Return mapping[key] (a dict lookup with a variable key)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def reads_verivali(user) -> bool:
    """Return whether the user may open verivali (the main navigation and home page show the link)."""
    from mutakhir.verivali.views import can_read

    return can_read(user)


@register.filter
def reads_sync(user) -> bool:
    """Return whether the user may open the civil-registry sync."""
    from mutakhir.verivali.sync_access import can_read

    return can_read(user)
