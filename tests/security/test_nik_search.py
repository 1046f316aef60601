"""A NIK or KK number searched in the registry never appears in a URL: not in the address, history or logs."""

import logging
import re

import pytest
from conftest import BANGKA
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.registry.search import PAGE_SIZE

SEARCH = reverse("registry:search")
HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def operator(make_user, client):
    client.cookies["django_language"] = "en"
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    client.force_login(user)
    return user


def urls_in(response) -> list[str]:
    """Return every URL the response sends the browser to, links included."""
    found = [response.headers.get("Location", ""), response.headers.get("HX-Push-Url", "")]
    return found + re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', response.content.decode())


def test_it_answers_a_nik_search_at_an_opaque_url(operator, client, make_household, caplog):
    hh = make_household()
    nik = hh.members.get(relation=1).nik
    caplog.set_level(logging.DEBUG)
    posted = client.post(SEARCH, {"q": nik})
    assert posted.status_code == 302 and nik not in posted["Location"]
    assert re.fullmatch(rf"{SEARCH}\?s=[\w-]+", posted["Location"])
    shown = client.get(posted["Location"])
    assert [r.household for r in shown.context["page"].rows] == [hh]
    assert all(nik not in url for url in urls_in(posted) + urls_in(shown))
    assert nik not in caplog.text


def test_it_pushes_an_opaque_url_for_htmx_and_keeps_it_in_the_pager(operator, client, make_household):
    households = [make_household(members=1, household_id=f"HX{i:04d}") for i in range(PAGE_SIZE + 2)]
    for hh in households:  # one family card for all: a KK search with two pages
        hh.members.update(kk="1901000000000077")
    response = client.post(SEARCH, {"q": "1901 0000 0000 0077"}, headers=HTMX)
    assert len(response.context["page"].rows) == PAGE_SIZE
    push = response["HX-Push-Url"]
    assert "1901000000000077" not in push and "s=" in push
    assert all("1901000000000077" not in url for url in urls_in(response))
    next_link = re.search(r'href="([^"]*after=[^"]*)"', response.content.decode()).group(1).replace("&amp;", "&")
    assert "s=" in next_link
    second = client.get(next_link, headers=HTMX)
    assert [r.household for r in second.context["page"].rows] == households[PAGE_SIZE:]


def test_it_refuses_a_nik_typed_into_the_address_bar(operator, client, make_household):
    nik = make_household().members.get(relation=1).nik
    response = client.get(SEARCH, {"q": nik})
    assert response.context["page"] is None
    assert "not searched from the address bar" in str(response.context["form"].errors["q"])


def test_it_keeps_name_search_in_the_url(operator, client, make_household):
    hh = make_household()
    name = hh.members.get(relation=1).name
    posted = client.post(SEARCH, {"q": name})
    assert posted.status_code == 302 and "q=Warga" in posted["Location"]
    assert hh in [r.household for r in client.get(posted["Location"]).context["page"].rows]
    assert hh in [r.household for r in client.get(SEARCH, {"q": name}).context["page"].rows]  # links still work


def test_it_gives_an_opaque_id_meaning_only_in_the_session_that_made_it(operator, client, make_user, make_household):
    nik = make_household().members.get(relation=1).nik
    url = client.post(SEARCH, {"q": nik})["Location"]
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    response = client.get(url)
    assert response.context["page"] is None
    assert "no longer available" in response.content.decode()
