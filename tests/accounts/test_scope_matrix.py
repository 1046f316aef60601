"""Region scope as a matrix: every role x (village inside / outside its scope) x every registry endpoint.

The expected table is written out by hand, not derived from the code under test.
"""

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse

from mutakhir.accounts.models import Role

ROLE_REGION = {
    Role.REGISTRAR: VILLAGE_IN, Role.PSM: VILLAGE_IN, Role.TKSK: SUNGAILIAT,
    Role.DISTRICT_OPERATOR: BANGKA, Role.DISTRICT_HEAD: BANGKA, Role.AUDITOR: BANGKA,
    Role.NATIONAL: None, Role.PROGRAM_MANAGER: None,
}
VILLAGES = {"same village": VILLAGE_IN, "other sub-district": VILLAGE_OTHER_SUB,
            "other district": VILLAGE_OTHER_DISTRICT}
IN_SCOPE = {
    Role.REGISTRAR: {"same village"},
    Role.PSM: {"same village"},
    Role.TKSK: {"same village"},
    Role.DISTRICT_OPERATOR: {"same village", "other sub-district"},
    Role.DISTRICT_HEAD: {"same village", "other sub-district"},
    Role.AUDITOR: {"same village", "other sub-district"},
    Role.NATIONAL: set(VILLAGES),
    Role.PROGRAM_MANAGER: set(VILLAGES),
}
AGGREGATES_ONLY = {Role.PROGRAM_MANAGER}
ENDPOINTS = ["search by region", "search by name", "search by NIK", "household page", "reveal", "home counts"]
RESULTS_ONLY = {"HX-Request": "true", "HX-Target": "results"}


def test_the_matrix_covers_every_role():
    assert set(ROLE_REGION) == set(IN_SCOPE) == set(ALL_ROLES)


def visit(client, endpoint, household):
    """Return True if the household shows through the endpoint, False if it is hidden (404, empty...)."""
    member = household.members.get(relation=1)
    search = reverse("registry:search")
    if endpoint.startswith("search"):
        params = {"search by region": {"region": household.region_id}, "search by name": {"q": member.name},
                  "search by NIK": {"q": member.nik}}[endpoint]
        send = client.post if endpoint == "search by NIK" else client.get  # a NIK never goes in a URL
        response = send(search, params, headers=RESULTS_ONLY)
        if response.status_code == 403:
            return False
        page = response.context["page"]
        return page is not None and household in [r.household for r in page.rows]
    if endpoint == "household page":
        response = client.get(reverse("registry:household", args=[household.pk]))
        assert response.status_code in (200, 404)
        return response.status_code == 200 and member.name in response.content.decode()
    if endpoint == "reveal":
        response = client.post(reverse("registry:reveal", args=[member.pk]), {"field": "nik", "reason": "matriks uji"},
                               headers={"HX-Request": "true"})
        assert response.status_code in (200, 404)
        return response.status_code == 200 and member.nik in response.content.decode()
    figures = client.get(reverse("home")).context["figures"]
    return figures is not None and figures.households == 1 and figures.members == 2


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("where", list(VILLAGES))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_shows_a_household_only_inside_the_roles_scope(role, where, endpoint, make_user, make_household, client):
    household = make_household(VILLAGES[where])
    client.force_login(make_user(role, ROLE_REGION[role]))
    expected = where in IN_SCOPE[role] and (endpoint == "home counts" or role not in AGGREGATES_ONLY)
    assert visit(client, endpoint, household) is expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("where", list(VILLAGES))
def test_it_shows_a_superuser_everything(where, endpoint, make_user, make_household, client):
    household = make_household(VILLAGES[where])
    client.force_login(make_user("", None, is_superuser=True, is_staff=True))
    assert visit(client, endpoint, household) is True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_shows_a_user_without_a_role_nothing(endpoint, make_user, make_household, client):
    household = make_household(VILLAGE_IN)
    client.force_login(make_user("", BANGKA))
    assert visit(client, endpoint, household) is False


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_sends_a_deactivated_user_to_the_login_page(endpoint, make_user, make_household, client):
    household = make_household(VILLAGE_IN)
    member = household.members.first()
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    url, method = {
        "search by region": (reverse("registry:search") + f"?region={VILLAGE_IN}", client.get),
        "search by name": (reverse("registry:search") + f"?q={member.name}", client.get),
        "search by NIK": (reverse("registry:search") + f"?q={member.nik}", client.get),
        "household page": (reverse("registry:household", args=[household.pk]), client.get),
        "reveal": (reverse("registry:reveal", args=[member.pk]), client.post),
        "home counts": (reverse("home"), client.get),
    }[endpoint]
    response = method(url)
    # The root sends whoever is not logged in to the citizens' front page (with its staff login link).
    page = reverse("publik:home") if endpoint == "home counts" else reverse("login")
    assert response.status_code == 302 and response["Location"].startswith(page)
