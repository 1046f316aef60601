"""A request the API's schema refuses (django-ninja, 422) is answered in the request's language (16.11)."""

import pytest
from conftest import VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.registration.tokens import create_token


@pytest.mark.django_db
def test_a_schema_error_is_answered_in_indonesian(client, make_user):
    _token, key = create_token(make_user(Role.REGISTRAR, VILLAGE_IN))
    response = client.post("/api/registrations/", {"household": {}}, content_type="application/json",
                           headers={"Authorization": f"Bearer {key}", "Accept-Language": "id"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Permintaan mengandung kesalahan."
    assert {e["msg"] for e in body["detail"]} == {"Nilai wajib tidak ada."}
