"""Every page a role may open is reachable by clicking from its home page (home, its cards, the menu, and one
click further), not only by a typed address: a page nobody links is a feature nobody finds.

The pages a role may open are found, not listed: every address of the app without a parameter that answers the
role with a full page (200, HTML with the menu). New pages are checked as they come.
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

from mutakhir.registry.models import UpdatePeriod

pytestmark = pytest.mark.django_db

REGION = {"registrar": VILLAGE_IN, "psm": VILLAGE_IN, "tksk": SUNGAILIAT, "district_operator": BANGKA,
          "district_head": BANGKA, "auditor": BANGKA}
NOT_PAGES = {"admin", "api", "publik"}  # Django's admin, the JSON API, the citizens' side (test_public_front.py)
NOT_FOLLOWED = ("/accounts/logout/", "/admin/", "/i18n/", "/api/", "/static/")
CLICKS = 2  # home (with its menu) -> a stage page -> its actions
HREF = re.compile(r'<a [^>]*href="([^"#]+)"')


def pages_without_parameters() -> list[str]:
    paths = []
    for _view, regex, namespaces, name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        path = simplify_regex(regex)
        if "<" not in path and name and not NOT_PAGES & set(namespaces or []) and not path.startswith("/accounts/"):
            paths.append(path)
    return sorted(set(paths))


def is_page(response) -> bool:
    return (response.status_code == 200 and response["Content-Type"].startswith("text/html")
            and '<nav aria-label="Main">' in response.content.decode())


def reachable(client) -> set[str]:
    """Return the paths reached by following links from the home page, at most CLICKS clicks deep."""
    seen, queue = {"/"}, deque([("/", 0)])
    while queue:
        url, depth = queue.popleft()
        response = client.get(url)
        if not is_page(response):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            path = urlsplit(href).path
            if path.startswith("/") and not path.startswith(NOT_FOLLOWED) and path not in seen:
                seen.add(path)
                if depth + 1 < CLICKS:  # the last click's page is reached: its links are not needed
                    queue.append((href, depth + 1))
    return seen


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_page_of_a_role_is_reachable_from_its_home(role, client, make_user):
    UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2026", starts_on="2026-01-01")
    client.force_login(make_user(role, REGION.get(role)))
    client.cookies["django_language"] = "en"
    pages = {path for path in pages_without_parameters() if is_page(client.get(path))}
    assert "/" in pages and len(pages) > 1
    missing = pages - reachable(client)
    assert not missing, f"{role} may open {sorted(missing)} but no link leads there from the home page"
