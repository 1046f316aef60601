"""Each contradiction rule, on its own and through an import: the flag, its reason and evidence, the desil
of the latest ranking run, and flags not raised twice."""

import pytest
from conftest import BANGKA, in_english

from mutakhir.verivali.models import SignalFlag
from mutakhir.verivali.signals import rules, services

from .signals_data import ELECTRICITY, HEALTH, PAYROLL, VEHICLE, nik_of, ranking_run, write_csv

english = pytest.fixture(autouse=True)(in_english)
Rule = SignalFlag.Rule
PLN = {"tarif": "R1", "daya_va": 2200}


def found(agency, data, household=None, member=None, desil=None):
    return [rule for rule, _e in rules.contradictions(agency, data, household or {}, member, desil)]


@pytest.mark.parametrize(("va", "recorded", "flagged"), [
    (2200, 1, True), (1300, 1, True), (2200, 2, True), (900, 1, False), (1300, 2, False), (2200, None, False),
    (5500, 3, True), (5500, 4, False)])
def test_power_far_above_the_record(va, recorded, flagged):
    assert (Rule.POWER_HIGHER in found("electricity", {"tarif": "R1", "daya_va": va},
                                       {"electricity_power": recorded})) is flagged


@pytest.mark.parametrize(("lighting", "va", "flagged"), [(4, 900, True), (3, 1300, True), (1, 900, False),
                                                         (4, 450, False), (None, 900, False)])
def test_pln_customer_recorded_without_pln_electricity(lighting, va, flagged):
    assert (Rule.ELECTRIFIED in found("electricity", {"tarif": "R1", "daya_va": va}, {"lighting": lighting})) is flagged


@pytest.mark.parametrize(("va", "desil", "flagged"), [(3500, 2, True), (3500, 4, True), (3500, 5, False),
                                                      (2200, 1, False), (6600, None, False)])
def test_large_connection_in_a_low_desil(va, desil, flagged):
    assert (Rule.POWER_DESIL in found("electricity", {"tarif": "R2", "daya_va": va}, desil=desil)) is flagged


@pytest.mark.parametrize(("cars", "recorded", "flagged"), [(1, False, True), (1, None, True), (1, True, False),
                                                           (0, False, False)])
def test_car_registered_but_not_recorded(cars, recorded, flagged):
    data = {"jumlah_mobil": cars, "jumlah_motor": 0}
    assert (Rule.CAR in found("vehicle", data, {"has_car": recorded})) is flagged


@pytest.mark.parametrize(("motorcycles", "recorded", "flagged"), [(2, False, True), (1, True, False),
                                                                  (0, False, False)])
def test_motorcycle_registered_but_not_recorded(motorcycles, recorded, flagged):
    data = {"jumlah_mobil": 0, "jumlah_motor": motorcycles}
    assert (Rule.MOTORCYCLE in found("vehicle", data, {"has_motorcycle": recorded})) is flagged


@pytest.mark.parametrize(("data", "desil", "flagged"), [
    ({"jumlah_mobil": 2, "jumlah_motor": 0}, 3, True), ({"jumlah_mobil": 1, "jumlah_motor": 0,
                                                         "cc_mobil_terbesar": 2400}, 1, True),
    ({"jumlah_mobil": 0, "jumlah_motor": 1, "cc_motor_terbesar": 650}, 4, True),
    ({"jumlah_mobil": 1, "jumlah_motor": 2, "cc_mobil_terbesar": 1300, "cc_motor_terbesar": 150}, 2, False),
    ({"jumlah_mobil": 3, "jumlah_motor": 0}, 7, False), ({"jumlah_mobil": 3, "jumlah_motor": 0}, None, False)])
def test_several_or_large_vehicles_in_a_low_desil(data, desil, flagged):
    assert (Rule.VEHICLE_DESIL in found("vehicle", data, {"has_car": True, "has_motorcycle": True},
                                        desil=desil)) is flagged


def test_a_member_on_the_payroll_is_always_flagged():
    evidence = rules.contradictions("payroll", {"jenis": "POLRI", "golongan": "Bripda"}, {}, {"work_status": 0}, 9)
    assert evidence == [(Rule.CIVIL_SERVANT, {"kind": "POLRI", "grade": "Bripda", "desil": 9, "work_status": 0})]
    assert rules.describe(*evidence[0]) == ("Payroll: a member is POLRI (grade Bripda); the registry records the "
                                            "member's work as Not working.")


@pytest.mark.parametrize(("segment", "klass", "status", "desil", "flagged"), [
    ("PBPU", "1", "AKTIF", 8, True), ("PPU", "2", "AKTIF", 3, True), ("PPU", "2", "AKTIF", 6, False),
    ("PBI", "3", "AKTIF", 1, False), ("PBPU", "3", "AKTIF", 1, False), ("PBPU", "1", "NONAKTIF", 1, False)])
def test_paid_insurance_class(segment, klass, status, desil, flagged):
    data = {"segmen": segment, "kelas": klass, "status": status}
    assert (Rule.PAID_INSURANCE in found("health", data, desil=desil)) is flagged


def test_power_codes_follow_the_questionnaire():
    assert [rules.power_code(va) for va in (450, 900, 1300, 2200, 3500)] == [1, 2, 3, 4, 5]


def _import(path, agency):
    sha = services.check_import(agency, path, BANGKA)
    return services.do_import(services.do_create_import(None, agency, path.name, sha, BANGKA), path)


def test_an_import_flags_with_reason_evidence_and_the_latest_runs_desil(tmp_path, make_household):
    poor_small = make_household(electricity_power=1, lighting=1)
    honest = make_household(electricity_power=4, lighting=1)
    ranking_run({poor_small: 9, honest: 9})
    latest = ranking_run({poor_small: 2, honest: 2})
    path = write_csv(tmp_path / "pln.csv", ELECTRICITY, [[nik_of(poor_small), "", "", "R2", "3500"],
                                                         [nik_of(honest), "", "", "R1", "2200"]])
    imp = _import(path, "electricity")
    flags = {f.rule: f for f in SignalFlag.objects.filter(household=poor_small)}
    assert set(flags) == {Rule.POWER_HIGHER, Rule.POWER_DESIL} and imp.flags == 2
    assert flags[Rule.POWER_DESIL].desil == 2 and flags[Rule.POWER_DESIL].ranking_run == latest
    assert flags[Rule.POWER_HIGHER].reason == "PLN: 3500 VA (tariff R2); the registry records 450 W."
    assert flags[Rule.POWER_HIGHER].evidence == {"recorded": 1, "va": 3500, "tarif": "R2"}
    assert flags[Rule.POWER_HIGHER].region_id == poor_small.region_id
    assert not SignalFlag.objects.filter(household=honest).exists()


def test_a_flag_is_not_raised_twice_nor_again_after_dismissal_with_the_same_evidence(tmp_path, make_household,
                                                                                   make_user):
    hh = make_household(has_car=False)
    other_member = hh.members.order_by("pk").last()
    first = write_csv(tmp_path / "a.csv", PAYROLL, [[nik_of(hh), "", "ASN", "II/b", ""],
                                                    [other_member.nik, "", "ASN", "III/c", ""]])
    _import(first, "payroll")
    assert SignalFlag.objects.filter(household=hh).count() == 1  # one per household and rule
    flag = SignalFlag.objects.get(household=hh)
    services.do_decide([flag], "dismiss", "Sudah pensiun sejak 2024", actor=make_user("district_operator", BANGKA))
    _import(write_csv(tmp_path / "b.csv", PAYROLL, [[nik_of(hh), "", "ASN", "II/b", ""]]), "payroll")
    assert SignalFlag.objects.filter(household=hh).count() == 1
    _import(write_csv(tmp_path / "c.csv", PAYROLL, [[nik_of(hh), "", "ASN", "III/a", ""]]), "payroll")
    assert SignalFlag.objects.filter(household=hh, status="open").count() == 1  # new evidence


def test_deciding_flags_needs_a_reason_to_dismiss_and_keeps_history(make_household, make_user, tmp_path):
    hh = make_household(has_car=False)
    _import(write_csv(tmp_path / "v.csv", VEHICLE, [[nik_of(hh), "", "1", "0", "", ""]]), "vehicle")
    flag = SignalFlag.objects.get(household=hh)
    operator = make_user("district_operator", BANGKA)
    with pytest.raises(services.SignalError, match="reason for dismissing"):
        services.do_decide([flag], "dismiss", "", actor=operator)
    assert services.do_decide([flag], "send", "", actor=operator) == 1
    flag.refresh_from_db()
    assert flag.status == "sent" and flag.decided_by == operator
    assert flag.history.first().history_change_reason == "send"
    with pytest.raises(services.SignalError, match="cannot be changed"):
        services.do_decide([flag], "send", "", actor=operator)


def test_health_rule_through_an_import(tmp_path, make_household):
    hh = make_household()
    ranking_run({hh: 3})
    _import(write_csv(tmp_path / "h.csv", HEALTH, [[nik_of(hh), "", "PPU", "2", "AKTIF"]]), "health")
    flag = SignalFlag.objects.get(household=hh)
    assert flag.reason == "BPJS Kesehatan: a member pays class 2 (segment PPU), not PBI; desil 3."
