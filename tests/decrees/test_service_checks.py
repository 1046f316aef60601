"""The checks of decrees/services.py one by one: what a correction may correct, and approval's compare-and-set.

A correction decree reopens the records of an approved decree of its own district: correcting a draft (whose
records are not legal yet) or another district's decree (whose records this district's head does not sign)
would change records outside the district head's authority.
"""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_OTHER_DISTRICT
from verification.fixtures import accept, answers, make_entry, make_period

from mutakhir.accounts.models import Role
from mutakhir.decrees.models import Decree, DecreeItem
from mutakhir.decrees.services import DecreeError, do_approve_decree

from .test_decrees import compile_decree

ONLY_APPROVED_OF_THIS_DISTRICT = "^Only an approved decree of this district can be corrected.$"


@pytest.fixture
def head(make_user):
    return make_user(Role.DISTRICT_HEAD, BANGKA)


def foreign_decree(operator, status):
    """A decree of Belitung (1902), written directly: its own district's flow is not under test."""
    return Decree.objects.create(region_id=VILLAGE_OTHER_DISTRICT[:4], update_period=make_period(),
                                 number="400/9/BELITUNG/2025", date=dt.date(2025, 2, 1), legal_basis="-",
                                 signer_name="-", signer_title="Bupati Belitung", created_by=operator, status=status)


def test_a_draft_of_this_district_cannot_be_corrected(entry, psm, tksk, operator):
    v = accept(entry, psm, tksk)
    draft = compile_decree(operator)
    with pytest.raises(DecreeError, match=ONLY_APPROVED_OF_THIS_DISTRICT):
        compile_decree(operator, number="400/124/DINSOS/2025", corrects=draft, verifications=[v])
    assert list(Decree.objects.all()) == [draft]


@pytest.mark.parametrize("status", [Decree.Status.APPROVED, Decree.Status.DRAFT])
def test_a_decree_of_another_district_cannot_be_corrected(entry, psm, tksk, operator, status):
    v = accept(entry, psm, tksk)
    foreign = foreign_decree(operator, status)
    with pytest.raises(DecreeError, match=ONLY_APPROVED_OF_THIS_DISTRICT):
        compile_decree(operator, corrects=foreign, verifications=[v])
    assert not Decree.objects.filter(region_id=BANGKA).exists()


def test_an_approved_decree_of_this_district_can_be_corrected(entry, psm, tksk, operator, head):
    v = accept(entry, psm, tksk)
    original = do_approve_decree(compile_decree(operator), actor=head)
    correction = compile_decree(operator, number="400/124/DINSOS/2025", corrects=original, verifications=[v])
    assert (correction.corrects, correction.status, list(correction.verifications.all())) == \
        (original, Decree.Status.DRAFT, [v])


def test_approving_one_draft_leaves_the_other_drafts_drafts(entry, psm, tksk, operator, head):
    """The compare-and-set turns exactly this decree from draft to approved, whatever else is a draft."""
    accept(entry, psm, tksk)
    first = compile_decree(operator)
    accept(make_entry(entry.prelist), psm, tksk, answers(nik="1901010105800002"))
    second = compile_decree(operator, number="400/124/DINSOS/2025")
    accept(make_entry(entry.prelist), psm, tksk, answers(nik="1901010105800003"))
    third = compile_decree(operator, number="400/125/DINSOS/2025")
    approved = do_approve_decree(second, actor=head)
    assert approved.is_approved and approved.approved_by == head
    assert dict(Decree.objects.values_list("pk", "status")) == {
        first.pk: Decree.Status.DRAFT, second.pk: Decree.Status.APPROVED, third.pk: Decree.Status.DRAFT}
    assert Decree.objects.filter(approved_at__isnull=False).get() == second
    assert DecreeItem.objects.filter(decree=second).count() == 1
