"""In a real browser, by clicking only: a citizen finds the public services from `/`, the login page and the
status check; a district operator finds registrations and the bulk import; a PSM who types /registrations/new/
gets the choice of their channels; an operator confirms before freezing every prelist and bulk-applying.
"""

import os
import re

import pytest
from conftest import BANGKA, VILLAGE_IN, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.verivali.models import CivilSync, ProposedChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_citizen_finds_the_public_services_from_the_root(warga):
    warga.goto("/")
    expect(warga).to_have_url(re.compile(r"/publik/$"))
    expect(warga.get_by_role("heading", name="Pemutakhiran data kesejahteraan sosial (MPM)")).to_be_visible()
    warga.screenshot(path="/tmp/mutakhir-publik.png", full_page=True)  # noqa: S108 - where the browser tests put them
    warga.locator("main").get_by_role("link", name="Cek status").click()
    expect(warga).to_have_url(re.compile(r"/publik/cek-status/$"))
    expect(warga.get_by_role("heading", name="Periksa pendaftaran saya")).to_be_visible()
    warga.locator("main").get_by_role("link", name="Ajukan sanggah atau usul").click()
    expect(warga).to_have_url(re.compile(r"/publik/sanggah/$"))
    expect(warga.get_by_role("heading", name="Ajukan pengaduan")).to_be_visible()
    warga.get_by_role("navigation").get_by_role("link", name="Ikuti tiket").click()
    expect(warga).to_have_url(re.compile(r"/publik/tiket/$"))
    expect(warga.get_by_role("heading", name="Pantau pengaduan")).to_be_visible()


def test_the_login_page_leads_a_citizen_to_the_public_services(warga):
    warga.goto("/accounts/login/")
    warga.locator("main").get_by_role("link", name=re.compile("^Layanan publik")).click()
    expect(warga).to_have_url(re.compile(r"/publik/$"))
    warga.locator("main").get_by_role("link", name="Masuk petugas").click()
    expect(warga.get_by_label("Nama pengguna")).to_be_visible()


def test_a_district_operator_reaches_registrations_and_the_bulk_import(page, make_user):
    sign_in(page, make_user(Role.DISTRICT_OPERATOR, BANGKA).username)
    page.get_by_role("navigation").get_by_role("link", name="Registrations").click()
    expect(page.get_by_role("heading", name="Registrations")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    page.locator("main").get_by_role("link", name="Bulk import").click()
    expect(page).to_have_url(re.compile(r"/registrations/import/$"))
    expect(page.get_by_role("heading", name="Bulk import of registrations")).to_be_visible()


def test_a_psm_without_a_channel_gets_the_choice_of_theirs(page, make_user):
    sign_in(page, make_user(Role.PSM, VILLAGE_IN).username)
    page.locator("main").get_by_role("link", name="Open registrations").click()
    expect(page.get_by_role("link", name="New registration (PSM visit)")).to_be_visible()
    page.goto("/registrations/new/")  # a bookmark without the channel
    expect(page.get_by_role("status")).to_contain_text("Choose how the household is registered.")
    expect(page.get_by_role("link", name="New registration (at the office)")).to_have_count(0)
    page.get_by_role("link", name="New registration (PSM visit)").click()
    expect(page).to_have_url(re.compile(r"channel=pasif"))


def test_an_operator_confirms_before_bulk_applying_civil_registry_changes(page, make_user, make_household):
    member = make_household(VILLAGE_IN, members=1).members.get()
    change = ProposedChange.objects.create(
        sync=CivilSync.objects.create(region_code=BANGKA, extract="/nonexistent"), kind=ProposedChange.Kind.KK_CHANGE,
        member=member, household=member.household, region_id=VILLAGE_IN, exact=True, current_value=member.kk,
        proposed_value="1901012504240001", member_version=member.version, evidence={"method": "nik"})
    sign_in(page, make_user(Role.DISTRICT_OPERATOR, BANGKA).username)
    page.locator("main").get_by_role("link", name="Open verivali").click()
    page.locator("main").get_by_role("link", name="Proposed changes").click()
    page.get_by_role("button", name="Apply the 1 exact change").click()
    expect(page.get_by_role("heading", name="Apply the exact changes?")).to_be_visible()
    expect(page.locator("#bulk-summary")).to_contain_text("1 member(s) of 1 household(s) in 1 village(s)")
    change.refresh_from_db()
    assert change.status == "proposed"
    page.get_by_role("button", name="Yes, apply 1 change").click()
    expect(page.get_by_role("status").first).to_contain_text("1 exact change applied.")
    change.refresh_from_db()
    assert change.status == "applied"
