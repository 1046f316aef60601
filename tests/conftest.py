"""Shared fixtures: the regions of Bangka Belitung (province 19), users per role, households."""

import itertools
import shutil

import pytest

from mutakhir.accounts.models import Role, User
from mutakhir.regions.loader import LOKAL_SOURCE, load_regions, lokal_rows
from mutakhir.regions.models import Region
from mutakhir.registry.models import Household, Member

BANGKA = "1901"  # Kabupaten Bangka
SUNGAILIAT = "190101"  # a sub-district of Bangka
VILLAGE_IN = "1901011001"  # a village in Sungailiat
VILLAGE_OTHER_SUB = "1901022004"  # a village in Belinyu (Bangka, other sub-district)
VILLAGE_OTHER_DISTRICT = "1902012003"  # a village in Belitung (other district)

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
                                        password=extra.pop("password", "sandi-rahasia-123"),
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


ALL_ROLES = [r.value for r in Role]


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
