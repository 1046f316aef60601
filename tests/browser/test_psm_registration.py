"""In a real browser: a PSM registers a household after a field visit (passive channel), then gets the receipt.

The PSM opens the form from the registrations page, is told at the field that the visit date is missing,
completes the visit details (date, GPS, reason proposed) and saves; the receipt and its PDF follow.
"""

import datetime as dt
import os

import pytest
from conftest import BANGKA, VILLAGE_IN, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registration.models import Channel, Registration
from mutakhir.registry.models import UpdatePeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HEAD_NIK = "1901010105800001"  # man born 1980-05-01, Sungailiat
KK = "1901011503200003"


def test_a_psm_registers_a_visited_household(page, make_user, tmp_path):
    UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2025", starts_on=dt.date(2025, 1, 1))
    psm = make_user(Role.PSM, VILLAGE_IN, username="psm")
    sign_in(page, psm.username)
    page.goto("/registrations/")
    expect(page.get_by_role("link", name="New registration (at the office)")).to_have_count(0)
    page.get_by_role("link", name="New registration (PSM visit)").click()
    expect(page.locator("#id_region_code")).to_have_value(VILLAGE_IN)
    page.fill("#id_address", "Dusun III, belakang masjid")
    page.fill("#id_members-0-nik", HEAD_NIK)
    expect(page.locator("#check-id_members-0-nik")).not_to_contain_text("16")
    page.fill("#id_members-0-kk", KK)
    page.fill("#id_members-0-name", "Budi Santoso")
    page.select_option("#id_members-0-sex", "1")
    page.click("#add-member")
    page.fill("#id_members-1-name", "Sri Wahyuni")
    page.select_option("#id_members-1-relation", "2")
    page.fill("#id_reason_proposed", "Rumah berdinding bambu, kepala keluarga buruh harian lepas.")
    page.check("#id_consent")
    page.locator("form button.primary").click()
    expect(page.locator("#id_visit_date").locator("xpath=..")).to_contain_text("Required value missing.")
    assert not Registration.objects.exists()

    page.fill("#id_visit_date", "2025-03-04")
    page.fill("#id_visit_lat", "-1.8712")
    page.fill("#id_visit_lon", "106.1098")
    page.locator("form button.primary").click()
    expect(page.locator("#registration-number")).to_have_text(Registration.objects.get().number)
    reg = Registration.objects.get()
    assert (reg.channel, reg.entered_by, reg.visit_date, str(reg.visit_lat), str(reg.visit_lon)) == (
        Channel.PASSIVE, psm, dt.date(2025, 3, 4), "-1.871200", "106.109800")
    assert reg.reason_proposed.startswith("Rumah berdinding bambu")
    assert [m.name for m in reg.members.all()] == ["Budi Santoso", "Sri Wahyuni"]
    page.screenshot(path="/tmp/mutakhir-psm-receipt.png", full_page=True)  # noqa: S108

    with page.expect_download() as download:
        page.click("#receipt-pdf")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"{reg.number}.pdf" and path.read_bytes().startswith(b"%PDF")
    assert PersonalDataAccess.objects.filter(object_id=str(reg.pk), fields="receipt-pdf").exists()
