"""Batch registrations: per-row results, per-row idempotency (a replay creates nothing), scope, size limit."""

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_SUB

from mutakhir.accounts.models import Role
from mutakhir.registration.api_batch import BATCH_MAX_ROWS
from mutakhir.registration.models import Registration, TokenPurpose
from mutakhir.registration.tokens import create_token

from .conftest import payload

pytestmark = pytest.mark.django_db
URL = "/api/registration-batches/"
NAMES = ["Ahmad Yani", "Bambang Sutrisno", "Cahyo Nugroho", "Dedi Kurniawan", "Eko Prasetyo", "Fajar Hidayat",
         "Gunawan Wibisono", "Hendra Saputra", "Irwan Setiawan", "Joko Susilo"]
STREETS = ["Jl. Kenanga", "Gg. Mawar", "Jl. Pelabuhan", "Dusun Air Anyir", "Jl. Sudirman", "Kampung Jawa",
           "Jl. Pasar Ikan", "Lorong Melati", "Jl. Batin Tikal", "Dusun Bukit"]


def household(n: int, **overrides) -> dict:
    """A valid one-person household, distinct from payload()'s and from every other n."""
    year = 1950 + n
    member = {"nik": f"19010101 05{year % 100:02d}{n:04d}".replace(" ", ""), "kk": f"190101150320{n:04d}",
              "name": f"{NAMES[n % len(NAMES)]} {n}", "sex": 1, "birth_date": f"{year}-05-01", "relation": 1}
    return payload(**{"key": f"row-{n}", "address": f"{STREETS[n % len(STREETS)]} {n * 7}, RT {n}",
                      "members": [member], **overrides})


@pytest.fixture
def send(client):
    def send(user, rows, purpose=TokenPurpose.REGISTRATIONS):
        key = create_token(user, purpose=purpose)[1]
        return client.post(URL, {"rows": rows}, content_type="application/json",
                           headers={"Authorization": f"Bearer {key}"})
    return send


def test_each_row_is_answered_created_duplicate_or_error(send, registrar):
    rows = [household(1), household(2, key="dup", address="Jl. Lain 9"), household(3, consent=False)]
    rows[1]["members"] = rows[0]["members"]  # the same person as row 0: the guard suspects a duplicate
    response = send(registrar, rows)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["rows"]] == ["created", "duplicate_suspected", "error"]
    assert (body["created"], body["duplicate_suspected"], body["error"]) == (1, 1, 1)
    created = body["rows"][0]["registration"]
    assert created["channel"] == "api"
    assert Registration.objects.get(number=created["number"]).address == rows[0]["address"]
    assert body["rows"][1]["status"] == 409 and body["rows"][1]["problem"]["duplicates"]
    assert body["rows"][2]["status"] == 422 and "consent" in body["rows"][2]["problem"]["errors"]
    assert Registration.objects.count() == 1  # the refused rows left nothing behind


def test_a_replayed_batch_answers_the_same_without_duplicates(send, registrar):
    rows = [household(n) for n in range(1, 6)] + [household(9, consent=False)]
    first = send(registrar, rows).json()
    assert first["created"] == 5 and Registration.objects.count() == 5
    again = send(registrar, rows).json()
    assert again == first
    assert Registration.objects.count() == 5


def test_a_key_reused_with_another_row_is_an_error(send, registrar):
    send(registrar, [household(1)])
    changed = household(1, address="Jl. Berubah 1")
    row = send(registrar, [changed]).json()["rows"][0]
    assert row["result"] == "error" and row["status"] == 422
    assert Registration.objects.count() == 1


def test_a_row_outside_the_senders_village_is_refused_and_the_others_saved(send, registrar):
    rows = [household(1), household(2, region_code=VILLAGE_OTHER_SUB)]
    body = send(registrar, rows).json()
    assert [r["result"] for r in body["rows"]] == ["created", "error"]
    assert body["rows"][1]["status"] in (403, 422)
    assert list(Registration.objects.values_list("region_id", flat=True)) == [VILLAGE_IN]


def test_a_district_operator_sends_for_any_village_of_the_district(send, make_user, period):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    body = send(operator, [household(1), household(2, region_code=VILLAGE_OTHER_SUB)]).json()
    assert body["created"] == 2


def test_a_batch_above_the_limit_is_refused_whole(send, registrar):
    response = send(registrar, [household(n) for n in range(BATCH_MAX_ROWS + 1)])
    assert response.status_code == 422
    assert Registration.objects.count() == 0


def test_a_token_for_another_purpose_is_refused(send, make_user, period):
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    assert send(operator, [household(1)], purpose=TokenPurpose.PACKAGES).status_code == 403
    assert Registration.objects.count() == 0
