"""In a real browser: a district operator reaches the outbox from the home page; a citizen stops the messages
from the public front page (in Indonesian)."""

import os
import re

import pytest
from conftest import BANGKA, VILLAGE_IN, sign_in
from playwright.sync_api import expect

from mutakhir.accounts.models import Role
from mutakhir.notifications.models import Message, OptOut

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def message(**fields):
    return Message.objects.create(key="complaint:1:received:|sms|x", region_code=VILLAGE_IN,
                                  event="complaint_received", reference="ADU-1901-2025-000007", channel="sms",
                                  recipient="6281234567890", body="Pengaduan ADU-1901-2025-000007 diterima.",
                                  **fields)


def test_an_operator_opens_the_outbox_from_home(warga, make_user):
    message(state="failed", attempts=6, last_error="gateway HTTP 503")
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    sign_in(warga, operator.username)
    warga.get_by_role("link", name="Buka kotak keluar").click()
    expect(warga).to_have_url(re.compile(r"/notifications/$"))
    expect(warga.get_by_role("heading", name="Pesan kepada warga")).to_be_visible()
    row = warga.locator("tbody tr").first
    expect(row).to_contain_text("ADU-1901-2025-000007")
    expect(row).to_contain_text("gagal")
    expect(row).to_contain_text("gateway HTTP 503")
    expect(row).to_contain_text("6281******890")
    warga.get_by_role("link", name="Pengaturan pemberitahuan").click()
    warga.get_by_label("kirim pemberitahuan").check()
    warga.get_by_role("button", name="Simpan").click()
    expect(warga.get_by_role("status").or_(warga.locator(".messages"))).to_contain_text("tersimpan")


def test_a_citizen_stops_the_messages_from_the_public_front(warga, regions):
    pending = message()
    warga.goto("/")
    warga.locator("main").get_by_role("link", name="Hentikan pesan").click()
    expect(warga).to_have_url(re.compile(r"/publik/berhenti/$"))
    warga.get_by_label("Nomor pendaftaran atau nomor tiket").fill("ADU-1901-2025-000007")
    warga.get_by_label("Nomor telepon atau alamat surel").fill("0812-3456-7890")
    warga.get_by_role("button", name="Hentikan pesan").click()
    expect(warga.get_by_role("status")).to_contain_text("tidak ada lagi pesan")
    assert OptOut.objects.get().recipient == "6281234567890"
    pending.refresh_from_db()
    assert pending.state == Message.State.SKIPPED
