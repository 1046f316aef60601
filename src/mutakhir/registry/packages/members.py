"""National-level check of a package's members: one person (NIK) present in two households.

- Twice inside the package: the district's own data contradicts itself, so the package is refused
  (nothing merged) with the NIKs (masked), households and members.csv rows; the district fixes it by a
  correction decree and sends a new package.
- In the package and in a registry household outside it (another district, or a household of the same
  district that this decree does not cover): the package is merged, since refusing would let one district's
  stale record block another's decree; each such person is recorded on the PackageImport as a flag, for the
  other household's district to verify.
"""

from collections import defaultdict
from itertools import batched

from django.utils.translation import gettext as _

from mutakhir.registry.display import mask_id
from mutakhir.registry.models import Member

from . import PackageError, csv_rows

CHUNK = 2000
SHOWN = 20  # conflicts listed in a refusal message


def read_members(archive) -> tuple[list[tuple[int, str, str]], set[str]]:
    """Return (members.csv row, NIK, household ID) of every member with a NIK and no end, and the IDs of
    every household the package holds (ended ones included: a merged household's members move out)."""
    present, households = [], {row["household_id"].strip() for row in csv_rows(archive, "households.csv")}
    for n, row in enumerate(csv_rows(archive, "members.csv"), start=2):
        households.add(row["household_id"].strip())
        if (row.get("nik") or "").strip() and not (row.get("ended_at") or "").strip():
            present.append((n, row["nik"].strip(), row["household_id"].strip()))
    return present, households


def check_members_once(members: list[tuple[int, str, str]]) -> None:
    """Raise PackageError when a NIK is present in two households of the package."""
    where = defaultdict(dict)  # nik -> household -> first row
    for row, nik, household in members:
        where[nik].setdefault(household, row)
    twice = [(nik, households) for nik, households in where.items() if len(households) > 1]
    if not twice:
        return
    lines = [_("NIK %(nik)s: households %(households)s (members.csv rows %(rows)s)")
             % {"nik": mask_id(nik), "households": ", ".join(sorted(h)),
                "rows": ", ".join(map(str, sorted(h.values())))} for nik, h in sorted(twice)[:SHOWN]]
    more = len(twice) - SHOWN
    if more > 0:
        lines.append(_("… and %(n)s more.") % {"n": more})
    raise PackageError(_("The package lists %(n)s person(s) as present in two households; nothing was merged. "
                         "The district must correct its decree:\n%(lines)s")
                       % {"n": len(twice), "lines": "\n".join(lines)})


def members_elsewhere(members: list[tuple[int, str, str]], households: set[str]) -> list[dict]:
    """Return a flag for every packaged NIK present in a registry household the package does not hold."""
    rows = {nik: (row, household) for row, nik, household in members}
    flags = []
    for chunk in batched(sorted(rows), CHUNK):
        registry = (Member.objects.filter(nik__in=chunk, ended_at__isnull=True)
                    .values_list("nik", "household__household_id", "household__region_id"))
        for nik, other, region in registry:
            if other in households:
                continue
            row, household = rows[nik]
            flags.append({"code": "member_elsewhere", "row": row, "nik": mask_id(nik), "household": household,
                          "other_household": other, "other_region": region,
                          "message": _("NIK %(nik)s is present in household %(household)s of the package and in "
                                       "registry household %(other)s (region %(region)s): the other district "
                                       "should verify it.") % {"nik": mask_id(nik), "household": household,
                                                              "other": other, "region": region}})
    return sorted(flags, key=lambda f: f["row"])

