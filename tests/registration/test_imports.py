"""Bulk import: CSV zip and XLSX, row-level errors, head checks, re-upload, broken files, template, CLI."""

import csv
import io
import zipfile

import openpyxl
import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.management import CommandError, call_command

from mutakhir.accounts.models import Role
from mutakhir.registration.imports import import_registrations
from mutakhir.registration.models import Registration, RegistrationMember
from mutakhir.registration.xlsx_template import build_template

from .conftest import CHILD_NIK, HEAD_NIK, KK, WIFE_NIK

pytestmark = pytest.mark.django_db
HH = ["household_id", "region_code", "address", "floor_material", "has_car"]
MM = ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "relation"]


def households():
    return [["H1", VILLAGE_IN, "Jl. Melati 3", "8", "0"],
            ["H2", VILLAGE_IN, "Jl. Mawar 1", "99", "0"],  # bad code: rejected
            ["H3", VILLAGE_OTHER_DISTRICT, "Tanjung Pandan", "8", ""],  # outside the period: rejected
            ["H4", VILLAGE_IN, "Jl. Kenanga", "", "1"],  # two heads: rejected
            ["H5", VILLAGE_IN, "Dusun III", "7", "1"]]  # its only head has a bad name: rejected


def members():
    return [["M1", "H1", HEAD_NIK, KK, "Budi", "1", "1980-05-01", "1"],
            ["M2", "H1", WIFE_NIK, KK, "Sri", "2", "1982-06-05", "2"],
            ["M3", "H1", "12345", KK, "Adi", "1", "2010-03-12", "3"],  # bad NIK: only this row is rejected
            ["M4", "H2", "", "", "Ani", "2", "", "1"],
            ["M5", "H4", "", "", "Eko", "1", "", "1"],
            ["M6", "H4", "", "", "Eka", "1", "", "1"],
            ["M7", "H5", CHILD_NIK, "", "<b>Joko</b>", "1", "2010-03-12", "1"]]


def write_zip(path, hh=None, mm=None):
    with zipfile.ZipFile(path, "w") as archive:
        for name, header, rows in (("households.csv", HH, hh or households()), ("members.csv", MM, mm or members())):
            text = io.StringIO()
            csv.writer(text).writerows([header, *rows])
            archive.writestr(name, text.getvalue())
    return path


def write_xlsx(path, hh=None, mm=None):
    workbook = openpyxl.Workbook()
    workbook.active.title = "households"
    for row in [HH, *(hh or households())]:
        workbook["households"].append(row)
    sheet = workbook.create_sheet("members")
    for row in [MM, *(mm or members())]:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def operator(make_user, period):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")


def report_rows(run):
    sheet = openpyxl.load_workbook(run.report.path).active
    return [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("writer", [write_zip, write_xlsx])
def test_it_keeps_valid_rows_and_reports_the_others(tmp_path, operator, period, writer):
    run = import_registrations(writer(tmp_path / ("data.zip" if writer is write_zip else "data.xlsx")),
                               period=period, user=operator)
    assert (run.state, run.created, run.rejected) == ("partial", 1, 4)
    reg = Registration.objects.get()
    assert (reg.channel, reg.source_key, reg.entered_by, reg.import_run) == ("import", "H1", operator, run)
    assert [m.name for m in reg.members.all()] == ["Budi", "Sri"]
    assert reg.history.count() == 1 and RegistrationMember.history.count() == 2
    problems = {(r[1], r[2], r[3]) for r in report_rows(run) if r[0] == "error"}
    assert {("households.csv", 3, "floor_material"), ("households.csv", 4, "region_code"),
            ("households.csv", 5, "household_id"), ("members.csv", 4, "nik"), ("members.csv", 8, "name"),
            ("households.csv", 6, "household_id")} <= problems


def test_it_never_duplicates_on_reupload(tmp_path, operator, period):
    path = write_zip(tmp_path / "data.zip")
    import_registrations(path, period=period, user=operator)
    again = import_registrations(path, period=period, user=operator)
    assert again.state == "failed" and "already imported" in again.message
    changed = write_zip(tmp_path / "changed.zip", hh=[*households(), ["H9", VILLAGE_IN, "Baru", "", ""]],
                        mm=[*members(), ["M9", "H9", "", "", "Nina", "2", "", "1"]])
    third = import_registrations(changed, period=period, user=operator)
    assert (third.created, third.already) == (1, 1)
    assert sorted(Registration.objects.values_list("source_key", flat=True)) == ["H1", "H9"]


@pytest.mark.parametrize(("content", "message"), [
    (b"not a workbook", "Not a readable Excel workbook"),
    (None, "formula"),
])
def test_it_explains_broken_workbooks(tmp_path, operator, period, content, message):
    path = tmp_path / "data.xlsx"
    if content is None:
        write_xlsx(path, hh=[["H1", VILLAGE_IN, "=A1&B1", "8", "0"]])
    else:
        path.write_bytes(content)
    run = import_registrations(path, period=period, user=operator)
    assert run.state == "failed" and message in run.message and not Registration.objects.exists()


def test_it_accepts_its_own_template(tmp_path, operator, period):
    path = tmp_path / "template.xlsx"
    path.write_bytes(build_template())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["households", "members", "codes"]
    assert any("codes" in str(v.formula1) for v in workbook["households"].data_validations.dataValidation)
    run = import_registrations(path, period=period, user=operator)
    assert (run.state, run.created) == ("done", 1)


def test_the_cli_imports_and_refuses_other_users(tmp_path, operator, period, registrar):
    path = write_zip(tmp_path / "data.zip")
    out = io.StringIO()
    call_command("registration", "import", str(path), "--period", str(period.pk), "--user", "operator",
                 "--errors", str(tmp_path / "errors.xlsx"), stdout=out)
    assert "1 created" in out.getvalue() and (tmp_path / "errors.xlsx").exists()
    with pytest.raises(CommandError):
        call_command("registration", "import", str(path), "--period", str(period.pk), "--user", registrar.username)


def guarded_file(path):
    """A file whose households hit the duplicate guard three ways, plus one clean household."""
    other_kk = "1901011503200099"
    return write_zip(path,
                     hh=[["H1", VILLAGE_IN, "Jl. Dahlia 9", "8", "0"],  # the NIK of a registration of the period
                         ["H2", VILLAGE_IN, "Jl Melati No 3, Dusun II", "8", "0"],  # same head, similar address
                         ["H3", VILLAGE_IN, "Dusun IV", "8", "0"],
                         ["H4", VILLAGE_IN, "Dusun V", "8", "0"],  # the KK of H3, earlier in this file
                         ["H5", VILLAGE_IN, "Dusun VI", "8", "0"]],
                     mm=[["M1", "H1", HEAD_NIK, "", "Joko Susilo", "1", "1980-05-01", "1"],
                         ["M2", "H2", "", "", "Budi  Santoso", "1", "", "1"],
                         ["M3", "H3", "", other_kk, "Rina", "2", "", "1"],
                         ["M4", "H4", "", other_kk, "Tono", "1", "", "1"],
                         ["M5", "H5", "", "", "Wati", "2", "", "1"]])


def test_it_reports_suspected_duplicates_and_imports_them_only_when_asked(tmp_path, operator, period, registrar):
    from mutakhir.registration.models import Channel
    from mutakhir.registration.services import check_registration, do_create_registration

    from .conftest import payload

    existing = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    path = guarded_file(tmp_path / "data.zip")
    run = import_registrations(path, period=period, user=operator)
    assert (run.state, run.created, run.duplicates, run.rejected) == ("partial", 2, 3, 3)
    assert set(Registration.objects.filter(import_run=run).values_list("source_key", flat=True)) == {"H3", "H5"}
    suspected = {r[2]: (r[5], r[6]) for r in report_rows(run) if r[4] == "duplicate_suspected"}
    assert set(suspected) == {2, 3, 5}  # households.csv rows of H1, H2 and H4
    assert existing.number in suspected[2][1] and f"NIK {HEAD_NIK}" in suspected[2][1]
    assert existing.number in suspected[3][1] and "similar address" in suspected[3][1]
    assert "KK 1901011503200099" in suspected[5][1] and "H3" in suspected[5][1] and suspected[5][0] == "H4"
    refused = import_registrations(path, period=period, user=operator)
    assert refused.state == "failed" and "already imported" in refused.message

    anyway = import_registrations(path, period=period, user=operator, allow_duplicates=True)
    assert (anyway.state, anyway.created, anyway.already, anyway.duplicates) == ("done", 3, 2, 3)
    assert {r[4] for r in report_rows(anyway)} == {"duplicate_imported"}
    again = import_registrations(path, period=period, user=operator, allow_duplicates=True)
    assert (again.created, again.already) == (0, 5) and Registration.objects.count() == 6


def test_a_withdrawn_registration_does_not_count_as_a_duplicate(tmp_path, operator, period, registrar):
    from mutakhir.registration.models import Channel
    from mutakhir.registration.services import check_registration, do_create_registration, do_withdraw_registration

    from .conftest import payload

    existing = do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    do_withdraw_registration(registrar, existing, version=existing.version, reason="entered twice")
    run = import_registrations(guarded_file(tmp_path / "data.zip"), period=period, user=operator)
    assert (run.created, run.duplicates) == (4, 1)  # only H4, the KK repeated inside the file


def test_the_import_page_offers_import_anyway(tmp_path, client, operator, period, registrar,
                                              django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from mutakhir.registration.models import Channel, RegistrationImport
    from mutakhir.registration.services import check_registration, do_create_registration

    from .conftest import payload

    do_create_registration(registrar, check_registration(registrar, payload(), channel=Channel.ACTIVE))
    content = guarded_file(tmp_path / "data.zip").read_bytes()
    client.force_login(operator)
    assert "allow_duplicates" in client.get(reverse("registration:import")).text
    with django_capture_on_commit_callbacks(execute=True):  # the test backend runs the job at once
        client.post(reverse("registration:import"), {"file": SimpleUploadedFile("data.zip", content)})
    first = RegistrationImport.objects.get()
    page = client.get(reverse("registration:import_detail", args=[first.pk])).text
    assert (first.created, first.duplicates) == (2, 3) and "suspected duplicates" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:import"), {"file": SimpleUploadedFile("data.zip", content),
                                                     "allow_duplicates": "on"})
    assert RegistrationImport.objects.latest("pk").created == 3 and Registration.objects.count() == 6
