"""The verification questionnaire as data: items, code lists, required flags, skip logic and checks.

Everything else is generated from this one definition: the web form (forms.py), the XLSForm for
ODK/KoboCollect (xlsform.py), the mapping of imported submissions (submissions.py) and
docs/questionnaire.md (docs.py). Code lists come from registry.codes (one place).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mutakhir.registry import codes


@dataclass(frozen=True)
class When:
    """Skip logic: ask the item only if `field` takes one of `values` (AND-ed within one item)."""

    field: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class AgeBetween:
    """Skip logic on a member: ask only if the member's age in years lies in [low, high]."""

    low: int
    high: int


@dataclass(frozen=True)
class Item:
    name: str  # the registry/exchange field name
    kind: str  # code, number, flag, count, text, date, nik, kk
    label: str
    section: str  # household or member
    required: bool = False
    relevant: tuple = ()
    min_value: float | None = None  # exclusive lower bound for numbers
    item_no: str = ""

    @property
    def code_list(self):
        return codes.BY_FIELD.get(self.name) if self.kind == "code" else None


def _hh(name, kind, label, **kw):
    return Item(name, kind, label, "household", **kw)


def _m(name, kind, label, **kw):
    return Item(name, kind, label, "member", **kw)


TENURE_OWN = When("tenure", (1,))
HOUSEHOLD_ITEMS = (
    _hh("address", "text", _("Address"), required=True),
    _hh("rt", "text", "RT"),
    _hh("rw", "text", "RW"),
    _hh("tenure", "code", _("Tenure of the dwelling"), required=True, item_no="301a"),
    _hh("land_title", "code", _("Land title"), required=True, relevant=(TENURE_OWN,), item_no="301b"),
    _hh("floor_area_m2", "number", _("Floor area (m²)"), required=True, min_value=0, item_no="302"),
    _hh("floor_material", "code", _("Widest floor"), required=True, item_no="303"),
    _hh("wall_material", "code", _("Widest wall"), required=True, item_no="304"),
    _hh("roof_material", "code", _("Widest roof"), required=True, item_no="305"),
    _hh("water_source", "code", _("Drinking water"), required=True, item_no="306a"),
    _hh("lighting", "code", _("Main lighting"), required=True, item_no="307a"),
    _hh("electricity_power", "code", _("Installed power"), required=True, relevant=(When("lighting", (1, 2)),),
        item_no="307b"),
    _hh("cooking_fuel", "code", _("Main cooking fuel"), required=True, item_no="308"),
    _hh("toilet", "code", _("Toilet facility"), required=True, item_no="309a"),
    _hh("toilet_type", "code", _("Toilet type"), required=True, relevant=(When("toilet", (1, 2, 3, 4, 5)),),
        item_no="309b"),
    _hh("sewage", "code", _("Final disposal of faeces"), relevant=(When("toilet", (1, 2, 3, 4, 5)),), item_no="310"),
    _hh("has_gas_cylinder", "flag", _("Gas cylinder ≥ 5.5 kg")),
    _hh("has_refrigerator", "flag", _("Refrigerator")),
    _hh("has_ac", "flag", _("Air conditioner")),
    _hh("has_motorcycle", "flag", _("Motorcycle")),
    _hh("has_car", "flag", _("Car")),
    _hh("has_boat", "flag", _("Boat")),
    _hh("has_gold", "flag", _("Gold ≥ 10 g")),
    _hh("owns_land", "flag", _("Other land")),
    _hh("livestock", "count", _("Large livestock (head)")),
)

MEMBER_ITEMS = (
    _m("name", "text", _("Name"), required=True),
    _m("nik", "nik", "NIK"),
    _m("kk", "kk", _("Family card no. (KK)")),
    _m("relation", "code", _("Relation to head"), required=True),
    _m("sex", "code", _("Sex"), required=True),
    _m("birth_date", "date", _("Birth date"), required=True),
    _m("marital_status", "code", _("Marital status")),
    _m("school_attendance", "code", _("School attendance")),
    _m("education", "code", _("Education")),
    _m("work_status", "code", _("Work status")),
    _m("work_sector", "code", _("Work sector"), relevant=(When("work_status", (1, 2, 3, 4, 5, 6)),)),
    _m("disability", "code", _("Disability")),
    _m("chronic_illness", "code", _("Chronic illness")),
    _m("pregnant", "code", _("Pregnant"), required=True, relevant=(When("sex", (2,)), AgeBetween(10, 54))),
)
ITEMS = HOUSEHOLD_ITEMS + MEMBER_ITEMS
BY_NAME = {(i.section, i.name): i for i in ITEMS}

# Cross-item checks, by code; `checks.py` evaluates them and the docs list them.
RULES = (
    ("one_head", _("A household has exactly one head (relation 1).")),
    ("child_older_than_head", _("A child or grandchild cannot be older than the head.")),
    ("spouse_too_young", _("A spouse must be at least 10 years old.")),
    ("head_too_young", _("A head must be at least 10 years old.")),
    ("future_birth", _("A birth date cannot be in the future.")),
    ("floor_area", _("The floor area must be more than 0 m².")),
)
RULE_PARAMS = {"child_relations": (3, 5), "min_spouse_age": 10, "min_head_age": 10}
