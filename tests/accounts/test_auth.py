"""Login, logout, lockout (django-axes), language switch and the per-role home page."""

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_SUB
from django.conf import settings
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.dashboard import ROLE_TASKS

LOGIN = reverse("login")
PASSWORD = "sandi-rahasia-123"


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("registry:search"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # the root is where a citizen lands: the public front page, which links to the staff login
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("publik:home"), 302)] and f'href="{LOGIN}"' in response.text


def test_it_logs_in_and_out(make_user, client):
    make_user(Role.TKSK, SUNGAILIAT, username="tksk-a")
    response = client.post(LOGIN, {"username": "tksk-a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Sungailiat" in response.content.decode()
    assert client.post(reverse("logout"))["Location"] == LOGIN
    assert client.get(reverse("home")).status_code == 302


def test_it_shows_the_login_page_in_indonesian_by_default(client):
    html = client.get(LOGIN).content.decode()
    assert '<html lang="id">' in html and "Masuk" in html


def test_it_locks_the_account_after_repeated_failures_even_with_the_right_password(make_user, client):
    make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "kasi", "password": "salah-sandi"})
    response = client.post(LOGIN, {"username": "kasi", "password": PASSWORD})
    assert response.status_code == 429
    assert "Akun terkunci" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_expires_sessions(make_user, client):
    make_user(Role.PSM, VILLAGE_IN, username="psm-a")
    client.post(LOGIN, {"username": "psm-a", "password": PASSWORD})
    assert 0 < client.session.get_expiry_age() <= 8 * 3600
    assert client.session.get_expire_at_browser_close()


def test_it_switches_language_and_back(make_user, client):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Households" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Rumah tangga" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_shows_each_role_its_work_and_its_registry_figures(role, make_user, make_household, client):
    region = {"registrar": VILLAGE_IN, "psm": VILLAGE_IN, "tksk": SUNGAILIAT}.get(role)
    region = region or (BANGKA if role in ("district_operator", "district_head", "auditor") else None)
    make_household(VILLAGE_IN, members=3)
    make_household(VILLAGE_OTHER_SUB)
    client.force_login(make_user(role, region))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    assert [t[0] for t in response.context["tasks"]] == [t[0] for t in ROLE_TASKS.get(role, [])]
    figures = response.context["figures"]
    assert figures.households == (1 if region and len(region) > 4 else 2)
    assert sum(n for _, n in figures.by_region) == (figures.households if region != VILLAGE_IN else 0)
    assert (reverse("registry:search") in response.content.decode()) is (role != Role.PROGRAM_MANAGER)


@pytest.mark.parametrize("role", ["registrar", "psm"])
def test_it_links_village_roles_to_their_registrations(role, make_user, client):
    client.force_login(make_user(role, VILLAGE_IN))
    page = client.get(reverse("home")).content.decode()
    assert reverse("registration:list") in page and "Buka pendaftaran" in page


def test_it_speaks_indonesian_whatever_the_browser_prefers_until_the_user_switches(make_user, client):
    client.force_login(make_user("registrar", VILLAGE_IN))
    assert "Beranda" in client.get(reverse("home"), headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert ">Home<" in client.get(reverse("home"), headers={"Accept-Language": "id"}).content.decode()
