"""Scope matrix: every role, inside and outside the complaint's region, on every staff endpoint."""

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.complaints.access import HANDLE_ROLES, READ_ROLES
from mutakhir.complaints.models import Complaint

pytestmark = pytest.mark.django_db
ROLE_REGION = {Role.REGISTRAR: (VILLAGE_IN, VILLAGE_OTHER_DISTRICT), Role.PSM: (VILLAGE_IN, VILLAGE_OTHER_DISTRICT),
               Role.TKSK: (SUNGAILIAT, "190201"), Role.DISTRICT_OPERATOR: (BANGKA, "1902"),
               Role.DISTRICT_HEAD: (BANGKA, "1902"), Role.NATIONAL: (None, None),
               Role.PROGRAM_MANAGER: (None, None), Role.AUDITOR: (BANGKA, "1902")}
ACTIONS = ["assign", "review", "answer", "close", "reopen", "reverify"]


@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_staff_pages_follow_role_and_scope(client, make_user, file, role, inside):
    complaint, _ = file()
    user = make_user(role, ROLE_REGION[role][0 if inside else 1])
    client.force_login(user)
    sees = role in READ_ROLES and (inside or role == Role.NATIONAL)
    queue = client.get(reverse("complaints:queue"))
    assert queue.status_code == (200 if role in READ_ROLES else 403)
    assert (complaint.ticket in queue.text) == sees
    assert client.get(reverse("complaints:detail", args=[complaint.ticket])).status_code == (200 if sees else 404)
    for action in ACTIONS:
        response = client.post(reverse("complaints:act", args=[complaint.ticket, action]), {"assignee": user.pk})
        if not sees:
            assert response.status_code == 404, action
        elif role not in HANDLE_ROLES or (action == "assign" and role != Role.DISTRICT_OPERATOR):
            assert response.status_code == 403, (role, action)
        else:
            assert response.status_code == 302, (role, action)
    changed = Complaint.objects.get().status != "new"
    assert changed == (role == Role.DISTRICT_OPERATOR and inside)


def test_anonymous_visitors_are_sent_to_login(client, file):
    complaint, _ = file()
    for url in (reverse("complaints:queue"), reverse("complaints:detail", args=[complaint.ticket])):
        assert client.get(url).status_code == 302
    assert client.post(reverse("complaints:act", args=[complaint.ticket, "close"])).status_code == 302


def test_an_unknown_action_is_refused(client, file, operator):
    complaint, _ = file()
    client.force_login(operator)
    assert client.post(reverse("complaints:act", args=[complaint.ticket, "delete"])).status_code == 403
    assert client.get(reverse("complaints:act", args=[complaint.ticket, "close"])).status_code == 405
