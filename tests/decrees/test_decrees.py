import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from verification.fixtures import accept, answers, make_period

from mutakhir.accounts.models import Role
from mutakhir.decrees.models import Decree
from mutakhir.decrees.services import DecreeError, annex, do_approve_decree, do_compile_decree, pdf_matches
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
    assert pdf_matches(decree, bytes(decree.pdf)) and not pdf_matches(decree, bytes(decree.pdf) + b" ")
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
