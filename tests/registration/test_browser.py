"""In a real browser: a registrar registers a household end to end; the citizen then checks the status."""

import os

import pytest
from conftest import VILLAGE_IN, sign_in
from django.core.cache import cache
from playwright.sync_api import expect

from mutakhir.registration import status as status_checks
from mutakhir.registration.models import Registration

from .conftest import HEAD_NIK, KK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_registrar_registers_and_the_citizen_checks(page, registrar, monkeypatch):
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 0)
    cache.clear()  # rate-limit counters of earlier tests
    sign_in(page, registrar.username)
    page.goto("/registrations/new/?channel=aktif")
    expect(page.locator("#id_region_code")).to_have_value(VILLAGE_IN)
    page.fill("#id_address", "Jl. Melati No. 3")
    page.fill("#id_members-0-nik", "123")
    expect(page.locator("#check-id_members-0-nik")).to_contain_text("16")
    page.fill("#id_members-0-nik", HEAD_NIK)
    page.fill("#id_members-0-kk", KK)
    page.fill("#id_members-0-name", "Budi Santoso")
    page.select_option("#id_members-0-sex", "1")
    page.click("#add-member")
    page.fill("#id_members-1-name", "Sri Wahyuni")
    page.select_option("#id_members-1-relation", "2")
    page.select_option("#id_id_document_seen", "ktp")
    page.check("#id_consent")
    page.locator("form button.primary").click()
    number = Registration.objects.get().number
    expect(page.locator("#registration-number")).to_have_text(number)
    page.screenshot(path="/tmp/mutakhir-registration-receipt.png", full_page=True)  # noqa: S108
    page.context.clear_cookies()
    page.goto("/publik/cek-status/")
    page.fill("#id_nik", HEAD_NIK)
    page.fill("#id_name", "Budi Santoso")
    page.locator("form button.primary").click()
    expect(page.locator("#status-answer")).to_contain_text(number)
    expect(page.locator("#status-answer")).to_contain_text("B*** S******")
