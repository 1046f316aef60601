"""The attributes a rule may name: household fields, ranking figures and member fields, with their types."""

from mutakhir.registry import codes

NUMBER, TEXT = "number", "text"
FLAGS = ("has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat", "has_gold",
         "owns_land")
RANK = {"desil": NUMBER, "percentile": NUMBER, "region_percentile": NUMBER, "score": NUMBER}
HOUSEHOLD = {
    **RANK, "region_code": TEXT, "household_size": NUMBER, "floor_area_m2": NUMBER, "livestock": NUMBER,
    **{cl.field: NUMBER for cl in codes.HOUSEHOLD_CODE_LISTS}, **dict.fromkeys(FLAGS, NUMBER),
}
MEMBER = {"age": NUMBER, **{cl.field: NUMBER for cl in codes.MEMBER_CODE_LISTS}}
# Read from the households file as stored (the rest come from the ranking or are derived).
HOUSEHOLD_COLUMNS = [name for name in HOUSEHOLD if name not in RANK and name not in ("region_code", "household_size")]
MEMBER_COLUMNS = [name for name in MEMBER if name != "age"]
