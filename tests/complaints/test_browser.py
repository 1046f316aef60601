"""In a real browser: a citizen files a complaint through the village cascade and follows it; an operator answers."""

import os

import pytest
from conftest import VILLAGE_IN, sign_in
from playwright.sync_api import expect

from mutakhir.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_citizen_files_and_follows_and_an_operator_answers(page, operator):
    page.goto("/publik/sanggah/")
    page.select_option("#id_kind", "objection")
    for name, value, following in (("province", "19", "regency"), ("regency", "1901", "subdistrict"),
                                   ("subdistrict", "190101", "region_code")):
        page.select_option(f"#id_{name}", value)
        expect(page.locator(f"#id_{following} option[value^='{value}']").first).to_be_attached()
        expect(page.locator(".htmx-request, .htmx-settling")).to_have_count(0)
    page.select_option("#id_region_code", VILLAGE_IN)
    page.fill("#id_subject_name", "Pak Kaya")
    page.fill("#id_text", "Penerima PKH ini punya mobil dan rumah besar.")
    page.locator("form button.primary").click()
    ticket = page.locator("#ticket-number").inner_text()
    code = page.locator("#follow-code").inner_text()
    assert Complaint.objects.get().ticket == ticket and Complaint.objects.get().region_id == VILLAGE_IN

    sign_in(page, operator.username)
    page.goto(f"/complaints/{ticket}/")
    page.select_option("#id_assignee", str(operator.pk))
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("button", name="Start review").click()
    page.fill("#id_answer", "Sudah diperiksa; rumah tangga ini diverifikasi ulang.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#complaint-status")).to_contain_text("Answered")

    page.context.clear_cookies(name="sessionid")  # signed out; the language cookie stays
    page.goto("/publik/tiket/")
    page.fill("#id_ticket", ticket)
    page.fill("#id_code", code)
    page.locator("form button.primary").click()
    expect(page.locator("#follow-status")).to_have_text("Answered")
    expect(page.locator("#follow-text")).to_contain_text("diverifikasi ulang")
    page.screenshot(path="/tmp/mutakhir-complaint-follow.png", full_page=True)  # noqa: S108
