"""The staff UI in a real browser: login, lockout, search, household page, reveal, language switch.

Playwright drives Debian's chromium (never a downloaded browser; the `browser` fixture is in
tests/conftest.py) against the live test server.
"""

import os
import re

import pytest
from conftest import BANGKA, PASSWORD, VILLAGE_IN, new_page
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.registry.display import mask_id
from mutakhir.registry.models import Member

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url, locale="id-ID", width=1100)
    yield page
    page.context.close()


def shot(page, name):
    page.screenshot(path=f"/tmp/mutakhir-{name}.png", full_page=True)  # noqa: S108 - the place the brief asks for


def log_in(page, username, password=PASSWORD):
    page.goto("/")  # the citizens' front page, with the staff login in its menu
    page.get_by_role("navigation").get_by_role("link", name="Masuk petugas").click()
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def household(make_household):
    hh = make_household(VILLAGE_IN, members=3, address="Jl. Kenanga No. 7", floor_material=8, wall_material=3,
                        has_motorcycle=True)
    head = hh.members.get(relation=1)
    head.name = "Siti Aminah"
    head._change_reason = "perbaikan nama oleh operator"
    head.save()
    hh.floor_material, hh._change_reason = 2, "verifikasi lapangan"
    hh.save()
    return hh


def test_it_searches_opens_and_reveals_a_household(page, make_user, household):
    make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator", first_name="Rina")
    head = Member.objects.get(household=household, relation=1)
    log_in(page, "operator")
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
    shot(page, "home")

    page.get_by_role("link", name="Rumah tangga", exact=True).click()
    page.get_by_label("Nama, NIK atau nomor KK").fill("siti am")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#results")).to_contain_text("Siti Aminah")
    expect(page).to_have_url(re.compile(r"q=siti"))
    shot(page, "search")

    page.get_by_label("Nama, NIK atau nomor KK").fill(head.nik)
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#results li")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text(mask_id(head.nik))
    expect(page.locator("#results")).not_to_contain_text(head.nik)
    expect(page).to_have_url(re.compile(r"\?s="))  # an opaque search id, never the NIK

    page.locator("#results").get_by_role("link", name="Siti Aminah").click()
    expect(page.get_by_role("heading", name=re.compile("Rumah tangga H"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Siti Aminah"))
    expect(row).to_contain_text(mask_id(head.nik))
    expect(page.locator("main")).not_to_contain_text(head.nik)
    expect(page.locator("main")).to_contain_text("Tanah")  # floor before the change, in the history
    expect(page.locator(".history")).to_contain_text("verifikasi lapangan")
    expect(page.locator(".history")).to_contain_text("Keramik")

    nik_cell = row.locator("td").nth(5)
    nik_cell.get_by_text("Tampilkan lengkap").click()
    nik_cell.get_by_role("button", name="Tampilkan").click()  # no reason: the browser refuses
    expect(nik_cell).not_to_contain_text(head.nik)
    nik_cell.get_by_label("Alasan").fill("pencocokan dengan Dukcapil")
    nik_cell.get_by_role("button", name="Tampilkan").click()
    expect(nik_cell).to_contain_text(head.nik)
    expect(nik_cell).to_contain_text("dibuka dan dicatat")
    shot(page, "household")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Ceramic")
    shot(page, "household-en")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Anggota")).to_be_visible()


def test_it_locks_an_account_after_five_failures(page, make_user):
    make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi")
    for _ in range(5):
        log_in(page, "kasi", "sandi-yang-salah")
    log_in(page, "kasi")
    expect(page.get_by_role("heading", name="Akun terkunci")).to_be_visible()
    shot(page, "locked")


def test_it_fits_a_phone_screen(page, make_user, household):
    make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi-hp")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "kasi-hp")
    page.goto(f"/registry/households/{household.pk}/")
    expect(page.get_by_role("heading", name="Anggota")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone")
