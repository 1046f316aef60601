"""In a real browser: a PSM verifies a household on a phone-sized screen; an SK goes from draft to PDF; a TKSK
downloads a prelist's ODK form and uploads the server's export."""

import json
import os
import zipfile

import pytest
from conftest import VILLAGE_IN, new_page, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.decrees.models import Decree
from mutakhir.verification.models import Status, Verification
from mutakhir.verification.xlsform import form_version

from .fixtures import accept, make_entry, make_period, make_prelist
from .test_odk import submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def open_as(browser, live_server, user, width=420):
    page = new_page(browser, live_server.url, width=width, accept_downloads=True)
    sign_in(page, user.username)
    return page


def test_a_psm_verifies_a_household(browser, live_server, make_user, make_household):
    operator, psm = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.PSM, VILLAGE_IN)
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
    page = open_as(browser, live_server, psm)
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("button", name="Verify this household").click()
    page.select_option("#id_outcome", "verified")
    page.fill("#id_hh-address", "Jl. Kenanga 7")
    for field, value in (("tenure", "2"), ("floor_material", "8"), ("wall_material", "4"), ("roof_material", "3"),
                         ("water_source", "5"), ("lighting", "4"), ("cooking_fuel", "10"), ("toilet", "6")):
        page.select_option(f"#id_hh-{field}", value)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Floor area")  # still required
    page.fill("#id_hh-floor_area_m2", "36")
    page.fill("#id_m-0-birth_date", "1980-05-01")
    page.fill("#id_m-1-birth_date", "2018-02-03")
    page.screenshot(path="/tmp/mutakhir-verification-form.png", full_page=True)  # noqa: S108
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted")
    v = Verification.objects.get(entry=entry)
    assert (v.status, v.answers["household"]["floor_area_m2"]) == (Status.SUBMITTED, 36.0)


def test_a_decree_goes_from_draft_to_pdf(browser, live_server, make_user, make_household):
    operator, head = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.DISTRICT_HEAD, "1901")
    psm, tksk = make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, "190101")
    accept(make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN)), psm, tksk)
    period = make_period()
    page = open_as(browser, live_server, operator, width=1100)
    page.get_by_role("link", name="Open decrees").click()
    page.select_option("#id_update_period", str(period.pk))
    page.fill("#id_number", "400/7/DINSOS/2025")
    page.fill("#id_date", "2025-03-01")
    page.fill("#id_legal_basis", "Permensos 3/2021")
    page.fill("#id_signer_name", "H. Mulkan")
    page.get_by_role("button", name="Compile draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("400/7/DINSOS/2025")
    page = open_as(browser, live_server, head, width=1100)
    page.get_by_role("link", name="Decrees to sign").click()
    page.get_by_role("link", name="400/7/DINSOS/2025").click()
    page.get_by_role("button", name="Approve the decree").click()
    expect(page.get_by_role("status").first).to_contain_text("Approval started")
    expect(page.get_by_text("Approved by")).to_be_visible()  # the test backend runs the job at once
    page.get_by_role("link", name="Download the PDF").click()
    page.fill("#id_reason", "Arsip dinas sosial")  # a download is logged with its reason
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    assert info.value.path().read_bytes().startswith(b"%PDF")
    decree = Decree.objects.get()
    assert (decree.status, decree.approved_by) == (Decree.Status.APPROVED, head)
    page.get_by_role("link", name="← Back", exact=True).click()
    page.set_input_files("#id_file", info.value.path())
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status").first).to_contain_text("SHA-256 matches")


def test_a_tksk_downloads_the_odk_form_and_uploads_the_submissions_by_clicking(browser, live_server, make_user,
                                                                               make_household, tmp_path):
    operator, psm = make_user(Role.DISTRICT_OPERATOR, "1901"), make_user(Role.PSM, VILLAGE_IN)
    tksk = make_user(Role.TKSK, "190101")
    entry = make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
    page = open_as(browser, live_server, tksk, width=1100)
    page.get_by_role("link", name="Open verification").click()
    page.get_by_role("link", name="Open ODK forms and uploads").click()
    page.get_by_role("link", name="Download the ODK form of").first.click()
    page.fill("#id_reason", "Formulir untuk tim lapangan")  # logged with its reason
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        assert sorted(archive.namelist()) == ["form.xlsx", f"prelist_{VILLAGE_IN}.csv"]
    page.get_by_role("link", name="← Back", exact=True).click()  # the prelist page
    page.get_by_role("link", name="Upload ODK submissions").click()
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"value": [submission(entry, psm.username, "uuid:b1", form_version=form_version()),
                                            submission(entry, psm.username, "uuid:b2", form_version="2024")]}))
    page.set_input_files("#id_file", export)
    page.get_by_role("button", name="Upload and import").click()  # the test backend runs the job at once
    expect(page.get_by_role("heading", level=1)).to_contain_text("ODK import: export.json")
    expect(page.get_by_role("table")).to_contain_text("form_version")
    with page.expect_download() as report:
        page.get_by_role("link", name="Download the report (.xlsx)").click()
    assert report.value.suggested_filename.endswith("-report.xlsx")
    assert Verification.objects.get(entry=entry).status == Status.SUBMITTED
