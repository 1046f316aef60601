"""Public pages: filing with the village cascade, following with the code, escaping, limits and rate limits."""

import pytest
from conftest import VILLAGE_IN
from django.urls import reverse

from mutakhir.complaints import public
from mutakhir.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def filing(**extra):
    return {"kind": "objection", "region_code": VILLAGE_IN, "subject_name": "Pak Kaya", "subject_address": "Dusun II",
            "text": "Penerima bantuan ini punya mobil."} | extra


def test_a_citizen_files_anonymously_and_gets_a_ticket(client, regions):
    response = client.post(reverse("publik:complaint"), filing())
    complaint = Complaint.objects.get()
    assert response.status_code == 200 and complaint.ticket in response.text
    assert complaint.complainant_name == "" and complaint.region_id == VILLAGE_IN
    assert response["Cache-Control"] == "no-store" and 'id="follow-code"' in response.text


def test_a_typed_dotted_code_also_names_the_village(client, regions):
    client.post(reverse("publik:complaint"), filing(region_code="", village_code="19.01.01.1001"))
    assert Complaint.objects.get().region_id == VILLAGE_IN


def test_it_explains_field_errors(client, regions):
    response = client.post(reverse("publik:complaint"), filing(kind="registration", region_code="1901",
                                                              complainant_nik="123", text="x" * 2001))
    assert response.status_code == 200 and not Complaint.objects.exists()
    for message in ("Choose your village", "only objections may be anonymous", "exactly 16 digits",
                    "at most 2000 characters"):
        assert message in response.text
    objection = client.post(reverse("publik:complaint"), filing(subject_name=""))
    assert "Name the person or household you object to" in objection.text


def test_html_in_the_text_is_escaped(client, regions, operator):
    client.post(reverse("publik:complaint"), filing(text="<script>alert(1)</script> rumah mewah",
                                                   subject_name="<b>Kaya</b>"))
    complaint = Complaint.objects.get()
    client.force_login(operator)
    page = client.get(reverse("complaints:detail", args=[complaint.ticket])).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Kaya</b>" not in page


def test_following_shows_status_and_answer_only_with_the_right_code(client, file):
    complaint, code = file(complainant_name="Siti Aminah", complainant_phone="081234567890")
    Complaint.objects.filter(pk=complaint.pk).update(status="answered", answer="Sudah <i>dicek</i>.")
    url = reverse("publik:follow")
    ok = client.post(url, {"ticket": complaint.ticket.lower(), "code": code.lower()})
    assert "Answered" in ok.text and "Sudah &lt;i&gt;dicek&lt;/i&gt;." in ok.text
    assert "Siti" not in ok.text and "0812" not in ok.text and "Pak Kaya" not in ok.text
    wrong = client.post(url, {"ticket": complaint.ticket, "code": "AAAA-AAAA"})
    missing = client.post(url, {"ticket": "ADU-1901-2025-999999", "code": code})

    def answer(response):
        return response.text.split('id="follow-answer"')[1].split("</section>")[0]
    assert answer(wrong) == answer(missing) and "No complaint matches" in answer(wrong)
    assert wrong.status_code == missing.status_code == 200


def test_following_is_padded_in_time(client, file, monkeypatch):
    import time
    monkeypatch.setattr(public, "MIN_SECONDS", 0.2)
    started = time.monotonic()
    client.post(reverse("publik:follow"), {"ticket": "ADU-1901-2025-999999", "code": "AAAA-AAAA"})
    assert time.monotonic() - started >= 0.2


def test_following_is_rate_limited_per_client_so_no_one_burns_a_complainants_checks(client, file):
    """Tickets are sequential: wrong codes sent for someone's ticket must not lock its owner out (issue 17.11)."""
    complaint, code = file()
    url = reverse("publik:follow")
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    codes = [client.post(url, {"ticket": complaint.ticket, "code": "AAAA-AAAA"}, **attacker).status_code
             for _ in range(21)]
    assert codes == [200] * 20 + [429]
    assert "Too many checks" in client.post(url, {"ticket": complaint.ticket, "code": code}, **attacker).text
    owner = client.post(url, {"ticket": complaint.ticket, "code": code}, REMOTE_ADDR="198.51.100.20")
    assert owner.status_code == 200 and complaint.get_status_display() in owner.text


def test_filing_is_rate_limited_per_client(client, regions):
    codes = [client.post(reverse("publik:complaint"), filing()).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429] and Complaint.objects.count() == 10


def test_the_village_cascade_narrows_level_by_level(client, regions):
    url = reverse("publik:villages")
    provinces = client.get(url).text
    assert 'value="19"' in provinces and 'name="regency" disabled' in provinces
    regencies = client.get(url, {"province": "19"}).text
    assert 'value="1901"' in regencies and 'name="subdistrict" disabled' in regencies
    villages = client.get(url, {"province": "19", "regency": "1901", "subdistrict": "190101"}).text
    assert f'value="{VILLAGE_IN}"' in villages and 'value="1902012003"' not in villages
    mismatched = client.get(url, {"province": "19", "regency": "1902", "subdistrict": "190101"}).text
    assert f'value="{VILLAGE_IN}"' not in mismatched
