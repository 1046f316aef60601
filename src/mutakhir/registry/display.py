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
