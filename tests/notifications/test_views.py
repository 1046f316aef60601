"""The outbox page and the district's switch: district operators only, their district only; the registrant's
contact given on the registration form."""

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.urls import reverse
from registration.conftest import payload

from mutakhir.accounts.models import Role
from mutakhir.notifications.models import Contact, Message, NotificationSettings
from mutakhir.registry.models import UpdatePeriod


def message(region_code, n, **fields):
    return Message.objects.create(key=f"k{n}", region_code=region_code, event="complaint_received",
                                  reference=f"ADU-{region_code[:4]}-2025-{n:06d}", channel="sms",
                                  recipient="6281234567890", body="...", **fields)


def test_the_outbox_lists_the_districts_messages_masked_with_why(client, make_user):
    message(VILLAGE_IN, 1, state="failed", last_error="gateway HTTP 400", attempts=1)
    message(VILLAGE_IN, 2, state="skipped", last_error="opted out")
    message(VILLAGE_OTHER_DISTRICT, 3)
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    home = client.get("/").text
    assert reverse("notifications:outbox") in home
    text = client.get(reverse("notifications:outbox")).text
    assert "ADU-1901-2025-000001" in text and "ADU-1901-2025-000002" in text
    assert "ADU-1902" not in text  # another district's
    assert "6281234567890" not in text and "6281******890" in text
    assert "gateway HTTP 400" in text and "the recipient asked to stop messages" in text
    failed = client.get(reverse("notifications:outbox"), {"state": "failed"}).text
    assert "ADU-1901-2025-000001" in failed and "ADU-1901-2025-000002" not in failed


@pytest.mark.parametrize("role, region", [(Role.TKSK, "190101"), (Role.REGISTRAR, VILLAGE_IN),
                                          (Role.DISTRICT_HEAD, BANGKA), (Role.NATIONAL, None)])
def test_other_roles_see_no_outbox(client, make_user, role, region):
    client.force_login(make_user(role, region))
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert client.get(reverse("notifications:settings")).status_code == 403
    assert reverse("notifications:outbox") not in client.get("/").text


def test_the_operator_turns_the_districts_notifications_on(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    response = client.post(reverse("notifications:settings"), {"enabled": "on", "phone_channel": "whatsapp",
                                                               "objection_days": "21"})
    assert response.status_code == 302
    saved = NotificationSettings.objects.get()
    assert (saved.region_id, saved.enabled, saved.phone_channel, saved.email, saved.objection_days) == (
        BANGKA, True, "whatsapp", False, 21)


def test_the_registration_form_keeps_the_applicants_contact(client, make_user, regions):
    UpdatePeriod.objects.create(region_id=BANGKA, name="MPM", starts_on="2025-01-01")
    client.force_login(make_user(Role.REGISTRAR, VILLAGE_IN))
    data = {k: v for k, v in payload().items() if k != "members" and v is not True} | {"consent": "on"}
    data |= {f"members-{i}-{k}": v for i, m in enumerate(payload()["members"]) for k, v in m.items()}
    data |= {"members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "0", "contact_phone": "0812 1111 2222",
             "contact_email": "warga@example.org", "has_motorcycle": "on"}
    url = reverse("registration:new") + "?channel=aktif"
    bad = client.post(url, data | {"contact_phone": "12345"})
    assert "Enter an Indonesian phone number" in bad.text and not Contact.objects.exists()
    assert client.post(url, data).status_code == 302
    contact = Contact.objects.get()
    assert (contact.phone, contact.email) == ("0812 1111 2222", "warga@example.org")
