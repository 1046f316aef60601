"""The decree PDF in the legal form a Bagian Hukum accepts, from the district's decree settings; the draft preview."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from verification.fixtures import accept, make_period

from mutakhir.accounts.models import Role
from mutakhir.decrees.legal import head_office
from mutakhir.decrees.models import Decree, DistrictDecreeSettings
from mutakhir.decrees.services import do_approve_decree
from mutakhir.regions.models import Region


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def standing(regions):
    return DistrictDecreeSettings.objects.create(
        region_id="1901", considerations="bahwa data terpadu perlu dimutakhirkan;\nbahwa verifikasi telah selesai;",
        legal_bases="Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin;\nPermensos Nomor 3 Tahun 2021;",
        number_template="400.9/{seq}/DINSOS/{year}", signer_name="H. MULKAN, S.H., M.H.", place="Sungailiat")


def draft_via_the_page(client, operator):
    client.force_login(operator)
    page = client.get(reverse("decrees:index")).text
    year = timezone.localdate().year
    assert f'value="400.9/1/DINSOS/{year}"' in page and "Sungailiat" in page and "BUPATI BANGKA" in page
    data = {"update_period": make_period().pk, "number": f"400.9/1/DINSOS/{year}", "date": "2026-12-08",
            "considerations": "bahwa data terpadu perlu dimutakhirkan;", "legal_basis": "Permensos Nomor 3 Tahun 2021;",
            "signer_name": "H. MULKAN, S.H., M.H.", "signer_title": "BUPATI BANGKA", "place": "Sungailiat"}
    response = client.post(reverse("decrees:index"), data)
    assert response.status_code == 302, response.text
    return Decree.objects.get()


def test_the_approved_pdf_is_a_decree_numbered_from_the_template(client, entry, psm, tksk, operator, make_user,
                                                                  standing):
    accept(entry, psm, tksk)
    decree = draft_via_the_page(client, operator)
    head = make_user(Role.DISTRICT_HEAD, "1901")
    text = pdf_text(bytes(do_approve_decree(decree, actor=head).pdf))
    flat = re.sub(r"\s+", " ", text)
    for expected in ("KEPUTUSAN BUPATI BANGKA", f"NOMOR 400.9/1/DINSOS/{timezone.localdate().year}", "Menimbang",
                     "bahwa data terpadu perlu dimutakhirkan", "Mengingat", "Permensos Nomor 3 Tahun 2021",
                     "MEMUTUSKAN", "Menetapkan", "KESATU", "KEDUA", "Ditetapkan di Sungailiat",
                     "pada tanggal 8 Desember 2026", "H. MULKAN, S.H., M.H."):
        assert expected in flat, expected
    assert "DRAF" not in flat and head.username not in flat and "BUPATI/WALI KOTA" not in flat
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", flat)
    client.force_login(operator)  # the next draft is proposed the next number
    assert f'value="400.9/2/DINSOS/{timezone.localdate().year}"' in client.get(reverse("decrees:index")).text


def test_the_draft_preview_is_watermarked_for_operator_and_head_only(client, entry, psm, tksk, operator, make_user,
                                                                      standing):
    accept(entry, psm, tksk)
    decree = draft_via_the_page(client, operator)
    url = reverse("decrees:draft_pdf", args=[decree.pk])
    assert url in client.get(reverse("decrees:detail", args=[decree.pk])).text
    for user in (operator, make_user(Role.DISTRICT_HEAD, "1901")):
        client.force_login(user)
        response = client.post(url, {"reason": "periksa draf sebelum tanda tangan"})
        assert response["Content-Type"] == "application/pdf"
        assert "DRAF" in pdf_text(response.content) and "KEPUTUSAN BUPATI BANGKA" in pdf_text(response.content)
    client.force_login(make_user(Role.NATIONAL))
    assert client.post(url, {"reason": "periksa draf sebelum tanda tangan"}).status_code == 403
    client.force_login(make_user(Role.DISTRICT_HEAD, "1902"))
    assert client.post(url, {"reason": "periksa draf sebelum tanda tangan"}).status_code == 404


def test_the_settings_page_belongs_to_the_district_operator(client, operator, make_user, standing):
    url = reverse("decrees:settings")
    client.force_login(operator)
    assert "Permensos Nomor 3 Tahun 2021" in client.get(url).text
    response = client.post(url, {"considerations": "bahwa baru;", "legal_bases": "UU 13/2011;",
                                 "number_template": "400.9/DINSOS/{year}", "signer_name": "X", "place": "Sungailiat"})
    assert "needs {seq}" in response.text
    client.post(url, {"considerations": "bahwa baru;", "legal_bases": "UU 13/2011;", "signer_title": "",
                      "number_template": "SK/{seq}/{year}", "signer_name": "X", "place": "Sungailiat"})
    standing.refresh_from_db()
    assert (standing.considerations, standing.number_template) == ("bahwa baru;", "SK/{seq}/{year}")
    other = make_user(Role.DISTRICT_OPERATOR, "1902")
    client.force_login(other)
    assert "bahwa baru" not in client.get(url).text  # another district sees its own, empty settings
    client.post(url, {"considerations": "bahwa lain;", "legal_bases": "-", "number_template": "{seq}/{year}",
                      "signer_name": "Y", "place": "Tanjung Pandan"})
    assert DistrictDecreeSettings.objects.get(region_id="1902").considerations == "bahwa lain;"
    assert DistrictDecreeSettings.objects.get(region_id="1901").considerations == "bahwa baru;"
    for role, region in ((Role.DISTRICT_HEAD, "1901"), (Role.PSM, "1901011001"), (Role.NATIONAL, None)):
        client.force_login(make_user(role, region))
        assert client.get(url).status_code == 403


def test_the_heads_office_comes_from_the_region(regions):
    assert head_office(Region.objects.get(pk="1901")) == "BUPATI BANGKA"
    assert head_office(Region.objects.get(pk="1971")) == "WALI KOTA PANGKAL PINANG"
