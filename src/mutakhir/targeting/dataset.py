"""The files a list is drawn from in the app: a ranking run's results, and the registry's households and members.

The run's results come from its Parquet copy (ranking/cache.py), written once since a run never changes.
Households and members are read from the registry at drawing time, because a list counts today's members
and their ages; they stream into Parquet in chunks, only the columns a rule can read, and only the run's
region, so no step holds the whole registry in memory or sends the run's household IDs back to the database.
"""

from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.ranking.cache import results_path, write_rows
from mutakhir.registry.models import Household, Member

from .rules.attributes import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

CHUNK = 50_000


def _schema(columns: list[tuple[str, str]]):
    import pyarrow as pa

    kinds = {"text": pa.string(), "number": pa.float64(), "code": pa.int32(), "date": pa.date32()}
    return pa.schema([(name, kinds[kind]) for name, kind in columns])


def _household_columns() -> list[tuple[str, str]]:
    kinds = {name: "number" if name == "floor_area_m2" else "code" for name in HOUSEHOLD_COLUMNS}
    return [("household_id", "text"), ("region_code", "text"), *kinds.items()]


def _member_columns() -> list[tuple[str, str]]:
    return [("record_id", "text"), ("household_id", "text"), ("birth_date", "date"),
            *((name, "code") for name in MEMBER_COLUMNS)]


def _plain(row: tuple) -> tuple:
    """Return a row with decimals as floats and yes/no flags as 1/0 (what Parquet's number columns take)."""
    return tuple(float(v) if isinstance(v, Decimal) else int(v) if isinstance(v, bool) else v for v in row)


def _households(region_code: str):
    households = Household.objects.active().order_by()
    if region_code:
        households = households.filter(region__pk__startswith=region_code)
    return households


def write_run_dataset(run, folder: Path, progress=None) -> tuple[Path, Path, Path]:
    """Return the run's scores file and write the households and members of its region to `folder`."""
    step = progress or (lambda note: None)
    step(_("Reading the ranking run"))
    scores = results_path(run, lambda n: step(_("Copying the ranking run once: %(n)s households") % {"n": n}))
    households = _households(run.region_code)
    hh_path, mem_path = folder / "households.parquet", folder / "members.parquet"
    fields = ["household_id", "region_id", *HOUSEHOLD_COLUMNS]
    rows = (_plain(r) for r in households.values_list(*fields).iterator(CHUNK))
    write_rows(hh_path, _schema(_household_columns()), rows, lambda n: step(_("Households read: %(n)s") % {"n": n}),
               CHUNK)
    members = Member.objects.active().order_by().filter(household__in=households)
    fields = ["record_id", "household__household_id", "birth_date", *MEMBER_COLUMNS]
    rows = (_plain(r) for r in members.values_list(*fields).iterator(CHUNK))
    write_rows(mem_path, _schema(_member_columns()), rows, lambda n: step(_("Members read: %(n)s") % {"n": n}), CHUNK)
    return scores, hh_path, mem_path

