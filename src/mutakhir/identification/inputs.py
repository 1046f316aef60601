"""Write a match run's inputs as exchange-format datasets: the period's registrations and the district's registry.

Registrations get the ids `R<pk>` (households) and `RM<pk>` (members), so results map back to rows.
"""

from pathlib import Path

from mutakhir.identification.linkage.io import write_csv
from mutakhir.registration.models import Status
from mutakhir.registry.exchange.columns import HOUSEHOLDS, MEMBERS
from mutakhir.registry.exchange.exporter import as_text, export_dataset

MATCHABLE = (Status.SUBMITTED, Status.IN_IDENTIFICATION)


def registration_key(pk) -> str:
    return f"R{pk}"


def member_key(pk) -> str:
    return f"RM{pk}"


def matchable_registrations(period):
    """Return the registrations of a period that a match run takes: submitted or in identification."""
    return period.registrations.filter(status__in=MATCHABLE, region__pk__startswith=period.region_id)


def _columns(table) -> list[str]:
    return [c.name for c in table if not c.extra]


def write_registrations(period, folder: Path) -> int:
    """Write the period's matchable registrations as households.csv and members.csv; return their count."""
    folder.mkdir(parents=True, exist_ok=True)
    registrations = matchable_registrations(period).order_by("pk").prefetch_related("members")
    hh_columns, member_columns = _columns(HOUSEHOLDS), _columns(MEMBERS)
    households, members = [], []
    for reg in registrations:
        row = {c: as_text(getattr(reg, c, None)) for c in hh_columns}
        households.append({**row, "household_id": registration_key(reg.pk), "region_code": reg.region_id})
        for m in reg.members.all():
            row = {c: as_text(getattr(m, c, None)) for c in member_columns}
            members.append({**row, "record_id": member_key(m.pk), "household_id": registration_key(reg.pk)})
    write_csv(folder / "households.csv", households, hh_columns)
    write_csv(folder / "members.csv", members, member_columns)
    return len(households)


def write_registry(period, folder: Path) -> dict:
    """Write the active households of the period's district; return the export manifest."""
    return export_dataset(folder, region=period.region_id)
