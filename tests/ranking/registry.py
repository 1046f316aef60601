"""A registry to rank: households in two districts of province 19, and a model fitted for its columns."""

from decimal import Decimal

import numpy as np

from mutakhir.ranking.fit import fit_pmt
from mutakhir.registry.models import Household, Member

from .conftest import settings
from .data import draw, write

VILLAGES = ("1901011001", "1901022004", "1902012003")  # two villages of Bangka, one of Belitung


def fit_registry_model(path):
    """Fit a model on a survey whose columns carry the registry's names (household_size, not hh_size)."""
    cols = draw(600, 1)
    cols["household_size"] = cols.pop("hh_size")
    return fit_pmt(write(path, cols), settings(log=["floor_area_m2", "household_size"]))


def fill_registry(make_household, n: int = 30, seed: int = 3) -> list[Household]:
    rng = np.random.default_rng(seed)
    households = []
    for i in range(n):
        households.append(make_household(
            VILLAGES[i % 3], members=int(rng.integers(1, 6)), household_id=f"R{i:04d}",
            floor_area_m2=Decimal(str(round(float(rng.lognormal(3.5, 0.5)), 1))),
            floor_material=int(rng.choice([1, 2, 6, 8])), has_car=bool(rng.integers(0, 2))))
    return households


def make_poor(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(floor_area_m2=Decimal("6"), floor_material=8, has_car=False)


def make_rich(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(floor_area_m2=Decimal("400"), floor_material=1, has_car=True)
    Member.objects.filter(household=household).exclude(relation=1).delete()
