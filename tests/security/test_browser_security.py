"""In chromium: the two-step login from password to page, and htmx working under the Content Security Policy."""

import os
import re
import time

import pytest
from conftest import BANGKA
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mutakhir.accounts.models import Role

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here


@pytest.fixture
def page(browser, live_server, settings):
    settings.REQUIRE_2FA = True
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    yield page
    context.close()


def test_it_enrols_verifies_and_searches_with_htmx_under_the_csp(page, make_user, make_household):
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")
    household = make_household()
    head = household.members.get(relation=1)
    page.goto("/registry/households/")
    page.get_by_label("Nama pengguna").fill("operator")
    page.get_by_label("Kata sandi").fill("sandi-rahasia-123")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", name="Siapkan login dua langkah")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.locator("code.secret").inner_text().replace(" ", "") in device.config_url
    page.get_by_label("Kode enam angka").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Konfirmasi").click()

    expect(page.get_by_role("heading", name="Kode cadangan")).to_be_visible()  # shown once, after enrolment
    expect(page.locator("ol.codes li")).to_have_count(10)
    page.get_by_role("link", name="Kode sudah saya simpan, lanjutkan").click()
    expect(page.get_by_role("heading", name="Rumah tangga")).to_be_visible()  # back where the user was going
    page.get_by_label("Nama, NIK atau nomor KK").fill(head.name)
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#results")).to_contain_text(head.name)
    page.get_by_label("Nama, NIK atau nomor KK").fill(head.nik)  # by POST: the NIK stays out of the address
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"\?s=[\w-]+$"))
    expect(page.locator("#results li")).to_have_count(1)
    assert head.nik not in page.url
    time.sleep(0.2)  # let late console messages arrive
    assert page.csp_errors == []
