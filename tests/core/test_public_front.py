"""The citizens' way in: a front page under Indonesian paths, linked from `/`, the login page and each other."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OLD_TO_NEW = {"/registrations/status/": "/publik/cek-status/", "/complaints/file/": "/publik/sanggah/",
              "/complaints/follow/": "/publik/tiket/",
              "/complaints/villages/?province=19": "/publik/sanggah/desa/?province=19"}


def test_the_public_pages_have_indonesian_paths():
    assert [reverse(f"publik:{name}") for name in ("home", "status", "complaint", "follow", "villages")] == [
        "/publik/", "/publik/cek-status/", "/publik/sanggah/", "/publik/tiket/", "/publik/sanggah/desa/"]


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW.items())
def test_the_english_paths_redirect_permanently(client, regions, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert client.get(new).status_code == 200


def test_an_anonymous_visitor_of_the_root_gets_the_public_front_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/publik/", 302)]
    page = response.content.decode()
    for url in ("/publik/cek-status/", "/publik/sanggah/", "/publik/tiket/", "/accounts/login/"):
        assert f'href="{url}"' in page


def test_the_login_page_links_to_the_public_front_page(client):
    assert 'href="/publik/"' in client.get("/accounts/login/").content.decode()


def test_the_status_check_links_to_filing_a_complaint(client):
    page = client.get("/publik/cek-status/").content.decode()
    assert 'href="/publik/sanggah/"' in page and 'href="/publik/tiket/"' in page


def test_a_signed_in_user_still_gets_their_home(client, make_user):
    from mutakhir.accounts.models import Role

    client.force_login(make_user(Role.AUDITOR))
    response = client.get("/")
    assert response.status_code == 200 and 'href="/publik/"' not in response.content.decode()
