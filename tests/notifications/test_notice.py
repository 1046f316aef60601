"""The public notice of a frozen prelist (names and RT/RW only, the objection window) and the window enforced:
objections within it go to the sub-district's TKSK, later ones are accepted and marked late."""

import datetime as dt
import io
import re

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from verification.fixtures import make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.complaints.services import do_file_complaint
from mutakhir.core.models import PersonalDataAccess
from mutakhir.identification.models import Prelist
from mutakhir.notifications.models import NotificationSettings
from mutakhir.regions.models import Region


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


@pytest.fixture
def prelist(operator, make_household):
    prelist = make_prelist(VILLAGE_IN, operator)
    make_entry(prelist)  # a new registrant: Rudi
    make_entry(prelist, household=make_household(rt="003", rw="002"))
    return prelist


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("role, region", [(Role.DISTRICT_OPERATOR, BANGKA), (Role.TKSK, "190101")])
def test_the_notice_lists_names_and_rt_rw_with_the_window_and_how_to_object(client, make_user, prelist, role,
                                                                               region):
    NotificationSettings.objects.create(region_id=BANGKA, objection_days=10)
    user = make_user(role, region)
    client.force_login(user)
    page = client.get(reverse("identification:prelist", args=[prelist.pk])).text
    url = reverse("notifications:notice", args=[prelist.pk])
    assert url in page
    opens = timezone.localtime(prelist.frozen_at).date()
    closes = opens + dt.timedelta(days=10)
    assert f"Objections: from {opens:%-d %B %Y} to {closes:%-d %B %Y}." in page
    assert client.get(url).status_code == 200  # first the reason
    response = client.post(url, {"reason": "Ditempel di papan desa"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert f"Masa sanggah: {opens.day} " in text and f"sampai {closes.day} " in text
    assert "Rudi" in text and "Warga" in text and "003" in text and "002" in text
    joined = text.replace("\n", "")  # a long address wraps
    assert "/publik/sanggah/" in joined and "/publik/tiket/" in joined
    assert not re.search(r"\d{16}", text.replace(" ", "").replace("\n", ""))  # no NIK or KK at all
    assert PersonalDataAccess.objects.filter(user=user, fields="notice").exists()


def test_the_window_ends_at_the_verification_deadline(prelist):
    from mutakhir.notifications.objections import window

    frozen = timezone.localtime(prelist.frozen_at).date()
    prelist.update_period.verification_deadline = frozen + dt.timedelta(days=3)
    prelist.update_period.save()
    assert window(Prelist.objects.get(pk=prelist.pk)).closes == frozen + dt.timedelta(days=3)


def object_to(**fields):
    return do_file_complaint(region=Region.objects.get(code=VILLAGE_IN), kind="objection", text="Punya mobil.",
                             **fields)[0]


def test_an_objection_within_the_window_goes_to_the_tksk_and_a_late_one_is_marked(prelist, make_user):
    tksk = make_user(Role.TKSK, "190101")
    within = object_to()
    assert (within.status, within.assigned_to, within.late_objection) == ("assigned", tksk, False)

    Prelist.objects.filter(pk=prelist.pk).update(frozen_at=timezone.now() - dt.timedelta(days=15))  # 14 by default
    late = object_to()
    assert (late.status, late.assigned_to, late.late_objection) == ("new", None, True)
    other = do_file_complaint(region=Region.objects.get(code=VILLAGE_IN), kind="correction", text="Salah tulis.")[0]
    assert (other.status, other.late_objection) == ("new", False)  # not an objection: no window


def test_before_any_prelist_an_objection_is_an_ordinary_complaint(regions, make_user):
    make_user(Role.TKSK, "190101")
    complaint = object_to()
    assert (complaint.status, complaint.assigned_to, complaint.late_objection) == ("new", None, False)
