import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from verification.fixtures import accept, answers, make_entry, make_period

from mutakhir.accounts.models import Role
from mutakhir.decrees import pdf
from mutakhir.decrees.annex import annex
from mutakhir.decrees.models import Decree
from mutakhir.decrees.services import DecreeError, do_approve_decree, do_compile_decree, matching_file
from mutakhir.verification.services import VerificationError, do_review, do_save


def compile_decree(operator, number="400/123/DINSOS/2025", **kw):
    return do_compile_decree(district="1901", period=make_period(), number=number, date=dt.date(2025, 3, 1),
                             legal_basis="Permensos 3/2021", signer_name="H. Mulkan", signer_title="Bupati Bangka",
                             actor=operator, **kw)


@pytest.fixture
def head(make_user):
    return make_user(Role.DISTRICT_HEAD, "1901")


def test_it_compiles_approves_and_locks(entry, psm, tksk, operator, head, tmp_path):
    with pytest.raises(DecreeError, match="no accepted"):
        compile_decree(operator)
    v = accept(entry, psm, tksk)
    decree = compile_decree(operator)
    assert list(decree.verifications.all()) == [v]
    (village, rows), = annex(decree)
    assert rows[0][2] == "1901********0001"  # masked NIK of the head
    with pytest.raises(VerificationError, match="draft decree"):
        do_review(v, accept=False, reason="wrong birth date", actor=tksk)
    decree = do_approve_decree(decree, actor=head)
    assert (decree.status, decree.approved_by, decree.pdf[:4]) == (Decree.Status.APPROVED, head, b"%PDF")
    assert matching_file(decree, bytes(decree.pdf)) == "pdf" and matching_file(decree, bytes(decree.pdf) + b" ") == ""
    assert matching_file(decree, bytes(decree.annex)) == "annex"
    with pytest.raises(DecreeError, match="approved already"):
        do_approve_decree(decree, actor=head)
    with pytest.raises(VerificationError, match="correction decree"):
        do_review(v, accept=False, reason="wrong birth date", actor=tksk)
    (tmp_path / "sk.pdf").write_bytes(bytes(decree.pdf))
    call_command("decree", "verify", "--decree", decree.number, str(tmp_path / "sk.pdf"))
    (tmp_path / "sk.pdf").write_bytes(bytes(decree.pdf)[:-9] + b"tampered\n")
    with pytest.raises(CommandError, match="NOT"):
        call_command("decree", "verify", "--decree", decree.number, str(tmp_path / "sk.pdf"))


def test_it_changes_an_approved_record_only_through_a_correction(entry, psm, tksk, operator, head):
    v = accept(entry, psm, tksk)
    original = do_approve_decree(compile_decree(operator), actor=head)
    correction = compile_decree(operator, number="400/124/DINSOS/2025", corrects=original, verifications=[v])
    v = do_review(v, accept=False, reason="birth date of the child", actor=tksk)
    v = do_save(v, version=v.version, outcome="verified", answers=answers(address="Jl. Baru"), actor=psm, submit=True)
    with pytest.raises(DecreeError, match="not accepted"):
        do_approve_decree(correction, actor=head)
    do_review(v, accept=True, actor=tksk)
    correction = do_approve_decree(correction, actor=head)
    assert correction.corrects == original and correction.is_approved


def test_it_refuses_a_duplicate_number_or_a_foreign_period(entry, psm, tksk, operator):
    accept(entry, psm, tksk)
    compile_decree(operator)
    with pytest.raises(DecreeError, match="exists"):
        compile_decree(operator)
    with pytest.raises(DecreeError, match="another district"):
        do_compile_decree(district="1902", period=make_period(), number="X", date=dt.date(2025, 3, 1),
                          legal_basis="-", signer_name="-", signer_title="-", actor=operator)


def test_it_puts_a_large_annex_in_its_own_file_with_its_sha256(entry, psm, tksk, operator, head, monkeypatch,
                                                               tmp_path):
    accept(entry, psm, tksk)
    other = make_entry(entry.prelist)
    accept(other, psm, tksk, answers(), outcome="refused")
    monkeypatch.setattr(pdf, "PDF_TABLE_MAX_ROWS", 1)
    monkeypatch.setattr(pdf, "annex", lambda decree: pytest.fail("the PDF must not hold the whole table"))
    decree = do_approve_decree(compile_decree(operator), actor=head)
    assert decree.pdf[:4] == b"%PDF" and len(decree.annex_sha256) == 64
    sheet = load_workbook(io.BytesIO(bytes(decree.annex))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Decree", decree.number]
    assert [r[2:] for r in rows[2:]] == [
        [entry.household.household_id, "Budi", "1901********0001", "Old data, changed", "Verified"],
        [other.registration.number, "Budi", "1901********0001", "New registrant", "Refused"]]
    (tmp_path / "annex.xlsx").write_bytes(bytes(decree.annex))
    call_command("decree", "verify", "--decree", decree.number, str(tmp_path / "annex.xlsx"))
