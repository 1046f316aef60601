from django import template

from mutakhir.registry.display import mask_id, mask_pair

register = template.Library()
register.filter("mask_id", mask_id)


@register.simple_tag
def masked_change(before: str, after: str) -> str:
    """`before → after`, masked together so the differing digits show (registry.display.mask_pair)."""
    a, b, note = mask_pair(before, after)
    return f"{a} → {b}" + (f" ({note})" if note else "")
