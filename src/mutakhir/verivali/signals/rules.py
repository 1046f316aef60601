"""Contradiction rules: when an agency's signal disagrees with a household's record or desil.

Each rule is a pure function of the signal's data, the household's recorded values, the member the
row names (if keyed by NIK) and the household's desil in the latest ranking run (None when unranked).
It returns the evidence that a person reads to judge the flag, or None. Rules that need a desil stay
quiet for unranked households.
"""

from django.utils.translation import gettext as _

from mutakhir.registry import codes
from mutakhir.verivali.models import Agency, SignalFlag

Rule = SignalFlag.Rule
LOW_DESIL = 4  # desil 1-4: the households poverty programs draw from (PKH, BPNT)
HOUSEHOLD_FIELDS = ("electricity_power", "lighting", "has_car", "has_motorcycle")
MEMBER_FIELDS = ("work_status",)
POWER_STEPS = ((450, 1), (900, 2), (1300, 3), (2200, 4))  # VA -> POWER code; above 2,200 VA: 5
NO_PLN = {3, 4}  # LIGHTING: non-PLN electricity, not electricity
BIG_CONNECTION_VA = 3500  # R2 and above: no electricity subsidy
BIG_CAR_CC, BIG_MOTORCYCLE_CC = 2000, 500


def power_code(va: int) -> int:
    """Return the POWER code of an installed capacity in VA."""
    return next((code for limit, code in POWER_STEPS if va <= limit), 5)


def _low(desil) -> bool:
    return desil is not None and desil <= LOW_DESIL


def electricity(data: dict, household: dict, member: dict | None, desil) -> list[tuple[str, dict]]:
    va, found = data["daya_va"], []
    recorded = household.get("electricity_power")
    if recorded and power_code(va) - recorded >= 2:
        found.append((Rule.POWER_HIGHER, {"recorded": recorded, "va": va, "tarif": data["tarif"]}))
    if household.get("lighting") in NO_PLN and va >= 900:
        found.append((Rule.ELECTRIFIED, {"lighting": household["lighting"], "va": va, "tarif": data["tarif"]}))
    if va >= BIG_CONNECTION_VA and _low(desil):
        found.append((Rule.POWER_DESIL, {"va": va, "tarif": data["tarif"], "desil": desil}))
    return found


def vehicle(data: dict, household: dict, member: dict | None, desil) -> list[tuple[str, dict]]:
    cars, motorcycles, found = data["jumlah_mobil"], data["jumlah_motor"], []
    if cars and household.get("has_car") is not True:
        found.append((Rule.CAR, {"cars": cars, "recorded": household.get("has_car")}))
    if motorcycles and household.get("has_motorcycle") is not True:
        found.append((Rule.MOTORCYCLE, {"motorcycles": motorcycles, "recorded": household.get("has_motorcycle")}))
    big = (cars >= 2 or (data.get("cc_mobil_terbesar") or 0) >= BIG_CAR_CC
           or (data.get("cc_motor_terbesar") or 0) >= BIG_MOTORCYCLE_CC)
    if big and _low(desil):
        found.append((Rule.VEHICLE_DESIL, {"cars": cars, "motorcycles": motorcycles, "desil": desil,
                                           "car_cc": data.get("cc_mobil_terbesar"),
                                           "motorcycle_cc": data.get("cc_motor_terbesar")}))
    return found


def payroll(data: dict, household: dict, member: dict | None, desil) -> list[tuple[str, dict]]:
    # ASN, TNI and Polri households are outside social assistance whatever their desil.
    return [(Rule.CIVIL_SERVANT, {"kind": data["jenis"], "grade": data.get("golongan", ""), "desil": desil,
                                  "work_status": (member or {}).get("work_status")})]


def health(data: dict, household: dict, member: dict | None, desil) -> list[tuple[str, dict]]:
    if data["segmen"] == "PBI" or data.get("status") == "NONAKTIF":
        return []
    if data["kelas"] == "1" or (data["kelas"] == "2" and _low(desil)):
        return [(Rule.PAID_INSURANCE, {"segment": data["segmen"], "class": data["kelas"], "desil": desil})]
    return []


CHECKS = {Agency.ELECTRICITY: electricity, Agency.VEHICLE: vehicle, Agency.PAYROLL: payroll, Agency.HEALTH: health}


def contradictions(agency: str, data: dict, household: dict, member: dict | None, desil) -> list[tuple[str, dict]]:
    """Return [(rule, evidence)] for one signal against its household."""
    return CHECKS[agency](data, household, member, desil)


def _label(code_list, value) -> str:
    if value is None:
        return _("not recorded")
    return str(dict(code_list.choices).get(value, value))


def _yes_no(value) -> str:
    return _("not recorded") if value is None else _("yes") if value else _("no")


def _desil(evidence: dict) -> str:
    return str(evidence.get("desil") or "?")


def describe(rule: str, evidence: dict) -> str:
    """Return the human-readable reason of a flag, in the active language."""
    e = evidence
    texts = {
        Rule.POWER_HIGHER: lambda: _("PLN: %(va)s VA (tariff %(tarif)s); the registry records %(recorded)s.")
        % {"va": e["va"], "tarif": e["tarif"], "recorded": _label(codes.POWER, e["recorded"])},
        Rule.ELECTRIFIED: lambda: _("PLN: a %(va)s VA connection (tariff %(tarif)s); the registry records the "
                                    "lighting as %(lighting)s.")
        % {"va": e["va"], "tarif": e["tarif"], "lighting": _label(codes.LIGHTING, e["lighting"])},
        Rule.POWER_DESIL: lambda: _("PLN: %(va)s VA (tariff %(tarif)s, no subsidy) for a household in desil "
                                    "%(desil)s.") % {"va": e["va"], "tarif": e["tarif"], "desil": _desil(e)},
        Rule.CAR: lambda: _("Samsat: %(n)s car(s) registered; the registry records car: %(recorded)s.")
        % {"n": e["cars"], "recorded": _yes_no(e["recorded"])},
        Rule.MOTORCYCLE: lambda: _("Samsat: %(n)s motorcycle(s) registered; the registry records motorcycle: "
                                   "%(recorded)s.") % {"n": e["motorcycles"], "recorded": _yes_no(e["recorded"])},
        Rule.VEHICLE_DESIL: lambda: _("Samsat: %(cars)s car(s) (largest %(car_cc)s cc) and %(motorcycles)s "
                                      "motorcycle(s) (largest %(motorcycle_cc)s cc) for a household in desil "
                                      "%(desil)s.")
        % {"cars": e["cars"], "motorcycles": e["motorcycles"], "car_cc": e.get("car_cc") or "?",
           "motorcycle_cc": e.get("motorcycle_cc") or "?", "desil": _desil(e)},
        Rule.CIVIL_SERVANT: lambda: _("Payroll: a member is %(kind)s (grade %(grade)s); the registry records the "
                                      "member's work as %(work)s.")
        % {"kind": e["kind"], "grade": e.get("grade") or "?", "work": _label(codes.WORK_STATUS, e.get("work_status"))},
        Rule.PAID_INSURANCE: lambda: _("BPJS Kesehatan: a member pays class %(class)s (segment %(segment)s), not "
                                       "PBI; desil %(desil)s.")
        % {"class": e["class"], "segment": e["segment"], "desil": _desil(e)},
    }
    return texts[rule]()
