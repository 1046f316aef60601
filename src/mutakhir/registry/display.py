"""How registry records are shown: masked identity numbers and labelled code-list values."""

from django.utils.formats import localize
from django.utils.translation import gettext as _

HOUSING_FIELDS = ("address", "rt", "rw", "floor_area_m2", "tenure", "land_title", "floor_material",
                  "wall_material", "roof_material", "water_source", "lighting", "electricity_power",
                  "cooking_fuel", "toilet", "toilet_type", "sewage")
ASSET_FIELDS = ("has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat",
                "has_gold", "owns_land", "livestock")
REVEALABLE = ("nik", "kk")  # shown masked unless revealed with a reason
EMPTY = "—"


def mask_id(value: str) -> str:
    """Return an identity number with only its region prefix and serial shown: 1901********0001."""
    value = (value or "").strip()
    if not value:
        return EMPTY
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


MAX_SHOWN_DIFFERENCES = 3  # more differing digits than this would reveal too much of two masked numbers


def mask_pair(first: str, second: str) -> tuple[str, str, str]:
    """Mask two identity numbers of the same kind together: (first, second, note).

    Each is masked as mask_id does, but positions where they differ stay visible, so a reader sees what changed
    (1901****5*****0001 → 1901****7*****0001) without learning the digits they share. When they differ in more
    than MAX_SHOWN_DIFFERENCES hidden digits (or in length), both stay masked and the note says so.
    """
    a, b = (first or "").strip(), (second or "").strip()
    masked_a, masked_b = mask_id(a), mask_id(b)
    if not a or not b or a == b:
        return masked_a, masked_b, ""
    if len(a) != len(b) or len(a) < 8:
        return masked_a, masked_b, _("differs in length")
    hidden = [i for i in range(4, len(a) - 4) if a[i] != b[i]]
    if len(hidden) > MAX_SHOWN_DIFFERENCES:
        return masked_a, masked_b, _("differs in more than %(n)s digits") % {"n": MAX_SHOWN_DIFFERENCES}
    show = set(hidden)
    return (*("".join(v[i] if i in show else m for i, m in enumerate(mv)) for v, mv in ((a, masked_a),
                                                                                          (b, masked_b))), "")


def display_value(field, value) -> str:
    """Return `value` of model `field` as a reader sees it: code-list label, yes/no, or text."""
    if value is None or value == "":
        return EMPTY
    if field.name in REVEALABLE:
        return mask_id(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(localize(value))


def field_rows(obj, names) -> list[tuple[str, str]]:
    """Return (label, shown value) for each named field of `obj`."""
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        rows.append((str(field.verbose_name), display_value(field, getattr(obj, field.attname))))
    return rows
