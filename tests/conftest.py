"""Shared fixtures: the regions of Bangka Belitung (province 19), users per role, households, browser, Spark."""

import itertools
import shutil

import pytest
from django.utils import translation

from mutakhir.accounts.models import Role, User
from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows
from mutakhir.regions.models import Region
from mutakhir.registry.models import Household, Member

BANGKA = "1901"  # Kabupaten Bangka
SUNGAILIAT = "190101"  # a sub-district of Bangka
VILLAGE_IN = "1901011001"  # a village in Sungailiat
VILLAGE_OTHER_SUB = "1901022004"  # a village in Belinyu (Bangka, other sub-district)
VILLAGE_OTHER_DISTRICT = "1902012003"  # a village in Belitung (other district)
PASSWORD = "sandi-rahasia-123"  # every test account's, unless a test sets another

_seq = itertools.count(1)


@pytest.fixture
def regions(db):
    """Load province 19 (Bangka Belitung Islands) from the official list, once per test database."""
    if not Region.objects.filter(code=BANGKA).exists():
        load_regions(lokal_rows("19"), LOKAL_SOURCE)
    return Region.objects


@pytest.fixture
def make_user(regions):
    def make(role: str, region_code: str | None = None, **extra) -> User:
        n = next(_seq)
        user = User.objects.create_user(username=extra.pop("username", f"{role}{n}"),
                                        password=extra.pop("password", PASSWORD),
                                        role=role, region_id=region_code, **extra)
        return user

    return make


@pytest.fixture
def make_household(regions):
    def make(region_code: str = VILLAGE_IN, members: int = 2, **fields) -> Household:
        n = next(_seq)
        hh = Household.objects.create(household_id=fields.pop("household_id", f"H{n:07d}"),
                                      region_id=region_code, **fields)
        for i in range(members):
            Member.objects.create(record_id=f"M{n:07d}-{i + 1}", household=hh, name=f"Warga {n} {i + 1}",
                                  nik=f"19010{(n * 10 + i) % 10**11:011d}", kk=f"1901{n:012d}",
                                  relation=1 if i == 0 else 3, sex=1 if i % 2 == 0 else 2)
        return hh

    return make


@pytest.fixture
def district_key(settings, tmp_path_factory, db):
    """District 1901's package signing key, in a var/ of its own, trusted by the national side."""
    from mutakhir.core import signing
    from mutakhir.registry.packages.keys import trust_key

    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    public = signing.create_key(BANGKA)
    trust_key(BANGKA, public)
    return public


ALL_ROLES = [r.value for r in Role]


def in_english():
    """Messages in English, the msgids the tests assert on; a folder makes it its own autouse fixture."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def spark_session():
    """One small local SparkSession for the whole test session."""
    from mutakhir.engines.spark import local_session

    spark = local_session("local[1]", partitions=1)
    yield spark
    spark.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright, one for the whole run: a second sync Playwright cannot start beside it."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make test-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, base_url: str, locale="en-US", width=420, timeout=10_000, **options):
    """Open a page in a fresh browser context (its own cookies); close it with page.context.close()."""
    context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": width, "height": 900},
                                  **options)
    # The app ignores the browser's language (Indonesian first); the language cookie is the user's switch.
    context.add_cookies([{"name": "django_language", "value": locale[:2], "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(timeout)
    return page


@pytest.fixture
def page(browser, live_server):
    """A phone-sized English page on the live server; browser tests wanting another one override it."""
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


@pytest.fixture
def warga(browser, live_server):
    """A citizen's phone, in Indonesian."""
    page = new_page(browser, live_server.url, locale="id-ID")
    yield page
    page.context.close()


def open_as(browser, live_server, user):
    """A desktop page in Indonesian, signed in as `user` (the office's staff at their PCs)."""
    page = new_page(browser, live_server.url, locale="id-ID", width=1100)
    sign_in(page, user.username)
    return page


def sign_in(page, username: str, password=PASSWORD) -> None:
    """Log in through the login form (any language)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button").last.click()


@pytest.fixture
def api_call(client):
    """`api_call(purpose)(method, path, user, body=None, content_type=..., **extra)`: call the JSON API as `user`
    with a token of `purpose`. A role that may not hold such a token gets one made directly (as a token made
    before the account's role changed), so the endpoint's own role and scope rules are what the test sees."""
    import secrets

    from mutakhir.registration.models import ApiToken
    from mutakhir.registration.tokens import TokenError, create_token, hash_key

    def key_for(user, purpose) -> str:
        try:
            return create_token(user, purpose=purpose)[1]
        except TokenError:
            key = "mtk_" + secrets.token_urlsafe(32)
            ApiToken.objects.create(user=user, purpose=purpose, key_hash=hash_key(key), prefix=key[:8])
            return key

    def for_purpose(purpose):
        def call(method, path, user, body=None, content_type="application/json", **extra):
            return getattr(client, method)(path, body, content_type=content_type,
                                           headers={"Authorization": f"Bearer {key_for(user, purpose)}"}, **extra)
        return call
    return for_purpose
