"""Reading agency extracts: row-level problems (which row, which field, why), duplicates, other regions,
keys by NIK or KK, re-imports, and nothing half-applied on failure."""

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, in_english
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from mutakhir.verivali.models import Signal, SignalFlag, SignalImport, SignalIssue
from mutakhir.verivali.signals import services

from .signals_data import ELECTRICITY, HEALTH, PAYROLL, VEHICLE, kk_of, nik_of, write_csv

english = pytest.fixture(autouse=True)(in_english)


def run_import(path, agency, region=BANGKA):
    sha = services.check_import(agency, path, region)
    return services.do_import(services.do_create_import(None, agency, path.name, sha, region), path)


def messages(signal_import) -> list[str]:
    return [i.message for i in signal_import.issues.all()]


def test_it_reports_each_bad_row_with_its_row_field_and_reason(tmp_path, make_household):
    hh = make_household(electricity_power=1)
    path = write_csv(tmp_path / "pln.csv", ELECTRICITY, [
        [nik_of(hh), "", "512345678901", "R1", "2200"],  # row 2: fine
        ["19010X", "", "", "R1", "900"],  # row 3: bad NIK
        ["", "", "", "R1", "900"],  # row 4: no key
        ["1901011111110001", "", "", "Z9", "900"],  # row 5: bad tariff
        ["1901011111110002", "", "", "R1", "banyak"],  # row 6: bad capacity
        ["1901011111110003", "", "", "R1", ""],  # row 7: required value missing
    ])
    imp = run_import(path, "electricity")
    assert imp.status == SignalImport.Status.DONE
    assert (imp.rows, imp.applied, imp.rejected) == (6, 1, 5)
    found = messages(imp)
    assert found[0] == "Row 3, field nik: The number must have exactly 16 digits. The number may contain digits only."
    assert found[1] == "Row 4: no NIK and no KK number; give at least one."
    assert found[2].startswith("Row 5, field tarif: “Z9” is not valid; it must be a code like R1")
    assert found[3] == "Row 6, field daya_va: “banyak” is not valid; it must be a whole number from 1 to 200000."
    assert found[4].startswith("Row 7, field daya_va: “” is not valid")


def test_it_shows_problems_in_indonesian_by_default(tmp_path, make_household):
    path = write_csv(tmp_path / "pln.csv", ELECTRICITY, [["", "", "", "R1", "900"]])
    imp = run_import(path, "electricity")
    with translation.override("id"):
        assert messages(imp) == ["Baris 2: tidak ada NIK dan tidak ada nomor KK; isi salah satunya."]


def test_it_refuses_duplicate_niks_in_all_their_rows(tmp_path, make_household):
    hh, other = make_household(has_car=False), make_household(has_car=False)
    nik = nik_of(hh)
    path = write_csv(tmp_path / "samsat.csv", VEHICLE, [
        [nik, "", "1", "0", "", ""], [nik_of(other), "", "1", "0", "", ""], [nik, "", "0", "2", "", ""]])
    imp = run_import(path, "vehicle")
    assert imp.applied == 1 and imp.rejected == 2
    dup = imp.issues.filter(code=SignalIssue.Code.DUPLICATE)
    assert sorted(dup.values_list("row", flat=True)) == [2, 4]
    assert "appears in rows 2, 4 of this extract; none of these rows is applied" in dup.first().message
    assert nik not in dup.first().message  # masked
    assert not Signal.objects.filter(household=hh).exists()
    assert SignalFlag.objects.filter(household=other, rule="car").exists()


def test_it_flags_people_outside_the_importers_region_and_applies_nothing_for_them(tmp_path, make_household):
    inside, outside = make_household(VILLAGE_IN), make_household(VILLAGE_OTHER_DISTRICT)
    path = write_csv(tmp_path / "asn.csv", PAYROLL, [
        [nik_of(inside), "", "ASN", "III/a", "Dinas"], [nik_of(outside), "", "TNI", "", ""]])
    imp = run_import(path, "payroll")
    assert imp.applied == 1 and imp.rejected == 1
    assert messages(imp) == ["Row 3, field nik: the registry places this person in 1902, outside your region; "
                             "not applied."]
    assert not SignalFlag.objects.filter(household=outside).exists()
    national = run_import(write_csv(tmp_path / "asn2.csv", PAYROLL, [[nik_of(outside), "", "TNI", "", ""]]),
                          "payroll", region="")
    assert national.applied == 1


def test_it_matches_by_kk_and_refuses_a_kk_held_by_two_households(tmp_path, make_household):
    one, two, three = make_household(), make_household(), make_household()
    two.members.update(kk=kk_of(three))
    path = write_csv(tmp_path / "bpjs.csv", HEALTH, [
        ["", kk_of(one), "PBPU", "1", "AKTIF"], ["", kk_of(three), "PPU", "1", ""], ["", "1901999999990001", "PBI",
                                                                                       "3", ""]])
    imp = run_import(path, "health")
    assert (imp.applied, imp.unmatched, imp.rejected) == (1, 1, 1)
    assert messages(imp) == ["Row 3, field no_kk: this KK is in 2 registry households; not applied (give the NIK)."]
    flag = SignalFlag.objects.get(household=one)
    assert flag.rule == "paid_insurance" and flag.signal.member is None


def test_it_checks_values_against_each_other(tmp_path, make_household):
    hh = make_household()
    path = write_csv(tmp_path / "x.csv", HEALTH, [[nik_of(hh), "", "PBI", "1", ""]])
    imp = run_import(path, "health")
    assert messages(imp) == ["Row 2, field kelas: “1” is not valid; it must be class 3 for PBI members (PBI is "
                             "always class 3)."]
    path = write_csv(tmp_path / "y.csv", PAYROLL, [[nik_of(hh), "", "ASN", "golongan 3", ""]])
    assert "an ASN grade like III/a" in messages(run_import(path, "payroll"))[0]


def test_it_reads_semicolon_separated_files_with_a_bom(tmp_path, make_household):
    hh = make_household(electricity_power=1)
    path = tmp_path / "pln.csv"
    path.write_text("\ufeffNIK;No_KK;IDPEL;Tarif;Daya_VA\n" + f"{nik_of(hh)};;1;R1;2.200\n", encoding="utf-8")
    imp = run_import(path, "electricity")
    assert imp.applied == 1
    assert Signal.objects.get(household=hh).data == {"idpel": "1", "tarif": "R1", "daya_va": 2200}


def test_it_refuses_a_file_without_its_required_columns_and_applies_nothing(tmp_path, make_household):
    path = write_csv(tmp_path / "pln.csv", ["nik", "tarif"], [[nik_of(make_household()), "R1"]])
    sha = services.check_import("electricity", path, BANGKA)
    imp = services.do_create_import(None, "electricity", path.name, sha, BANGKA)
    with pytest.raises(services.SignalError, match=r"Row 1 \(header\): missing column\(s\) daya_va"):
        services.do_import(imp, path)
    imp.refresh_from_db()
    assert imp.status == SignalImport.Status.FAILED and "daya_va" in imp.error
    assert not Signal.objects.exists()


def test_it_refuses_the_same_extract_twice(tmp_path, make_household):
    path = write_csv(tmp_path / "pln.csv", ELECTRICITY, [[nik_of(make_household()), "", "", "R1", "900"]])
    run_import(path, "electricity")
    with pytest.raises(services.SignalError, match="already imported"):
        services.check_import("electricity", path, BANGKA)
    services.check_import("electricity", path, "")  # another scope may read it


def test_a_failure_mid_import_leaves_no_signal_problem_or_flag(tmp_path, make_household, monkeypatch):
    households = [make_household(has_car=False) for _ in range(3)]
    path = write_csv(tmp_path / "samsat.csv", VEHICLE, [[nik_of(h), "", "1", "0", "", ""] for h in households]
                     + [["bad", "", "1", "0", "", ""]])
    monkeypatch.setattr(services, "BATCH", 2)

    def boom(self, signals):
        if Signal.objects.count() > 2:
            raise RuntimeError("disk full")
        return []
    monkeypatch.setattr(services.Context, "raise_flags", boom)
    sha = services.check_import("vehicle", path, BANGKA)
    imp = services.do_create_import(None, "vehicle", path.name, sha, BANGKA)
    with pytest.raises(RuntimeError):
        services.do_import(imp, path)
    imp.refresh_from_db()
    assert imp.status == SignalImport.Status.FAILED and "disk full" in imp.error
    assert not Signal.objects.exists() and not SignalIssue.objects.exists() and not SignalFlag.objects.exists()


def test_the_command_imports_and_prints_problems_and_counts(tmp_path, make_household, capsys):
    hh = make_household(has_car=False)
    path = write_csv(tmp_path / "samsat.csv", VEHICLE, [[nik_of(hh), "", "2", "0", "2500", ""], ["", "", "1", "0",
                                                                                                 "", ""]])
    call_command("verivali", "signals", str(path), "--agency", "vehicle", "--region", "19.01")
    out, err = capsys.readouterr()
    assert "2 rows, 1 applied, 0 not in the registry, 1 with problems, 1 flags raised" in out
    assert "Row 3: no NIK and no KK number" in err
    with pytest.raises(CommandError, match="already imported"):
        call_command("verivali", "signals", str(path), "--agency", "vehicle", "--region", "19.01")
    call_command("verivali", "flags", "--region", "19.01")
    assert "2 car(s) registered" in capsys.readouterr().out
