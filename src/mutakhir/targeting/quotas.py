"""Quotas per region: an explicit table, or a national total shared by each region's people in the target desil."""

import csv
import math
import re
from pathlib import Path

from django.utils.translation import gettext as _

MAX_QUOTA = 10**9  # more than Indonesia's people; a larger number overflows the engines' integers
CODE = re.compile(r"[0-9]+")  # str.isdigit also takes "²", which int() refuses
WHOLE = re.compile(r"-?[0-9]{1,18}")  # a sign at most, and few enough digits to parse quickly


class QuotaError(ValueError):
    """A quota table that cannot be used (overlapping regions, bad numbers)."""


def check_quotas(quotas: dict[str, int]) -> dict[str, int]:
    """Return the table with codes undotted; refuse overlapping regions and negative quotas."""
    clean = {}
    for code, n in quotas.items():
        key = str(code).replace(".", "").strip()
        if not CODE.fullmatch(key):
            raise QuotaError(_("Region code %(code)r is not a region code") % {"code": code})
        if int(n) < 0:
            raise QuotaError(_("The quota of %(code)s is negative") % {"code": key})
        if int(n) > MAX_QUOTA:
            raise QuotaError(_("The quota of %(code)s is larger than %(max)s") % {"code": key, "max": f"{MAX_QUOTA:,}"})
        if key in clean:
            raise QuotaError(_("Region %(code)s is listed twice") % {"code": key})
        clean[key] = int(n)
    codes = sorted(clean)
    for a, b in zip(codes, codes[1:], strict=False):
        if b.startswith(a):
            raise QuotaError(_("Quota regions overlap: %(a)s contains %(b)s") % {"a": a, "b": b})
    return clean


def read_quota_lines(text: str, known_regions) -> dict[str, int]:
    """Parse `region_code,quota` lines (an optional header row) into a checked table.

    A line is never dropped: one that is malformed, repeats a region or names a region missing from
    `known_regions` (a callable taking the undotted codes, returning those that exist) is refused with
    its line number, so a typo cannot silently leave a region out of the list.
    """
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [part.strip() for part in line.split(",")]
        if not line.strip() or parts[0] == "region_code":
            continue
        code = parts[0].replace(".", "")
        if len(parts) != 2 or not CODE.fullmatch(code) or not WHOLE.fullmatch(parts[1]):
            raise QuotaError(_("Line %(line)d (%(text)s): write one region_code,quota per line")
                             % {"line": number, "text": line.strip()})
        if code in lines:
            raise QuotaError(_("Line %(line)d (%(text)s): region %(code)s is already on line %(first)d")
                             % {"line": number, "text": line.strip(), "code": code, "first": lines[code][0]})
        lines[code] = (number, line.strip(), int(parts[1]))
    known = known_regions(list(lines)) if lines else set()
    for code, (number, line, _n) in lines.items():
        if code not in known:
            raise QuotaError(_("Line %(line)d (%(text)s): region %(code)s is not in the region list")
                             % {"line": number, "text": line, "code": code})
    return check_quotas({code: n for code, (_line, _text, n) in lines.items()})


def read_quota_csv(path: Path) -> dict[str, int]:
    """Read `region_code,quota` rows (a header row is required)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    try:
        return check_quotas({r["region_code"]: int(r["quota"]) for r in rows})
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, QuotaError):
            raise
        raise QuotaError(_("The quota file needs columns region_code and quota (whole numbers)")) from exc


def distribute(total: int, people: dict[str, float]) -> dict[str, int]:
    """Share `total` by each region's people (largest remainder; ties by region code), summing to `total`."""
    weight = sum(people.values())
    if total < 0 or weight <= 0:
        raise QuotaError(_("Nobody is in the target desil: a national total cannot be shared"))
    exact = {code: total * n / weight for code, n in people.items()}
    shares = {code: math.floor(x) for code, x in exact.items()}
    rest = total - sum(shares.values())
    for code in sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))[:rest]:
        shares[code] += 1
    return shares


def quota_warnings(summary: list[dict], unit: str) -> list[str]:
    """Return a warning for each region whose quota is larger than its eligible population."""
    key = "eligible_people" if unit == "person" else "eligible_households"
    return [_("Quota of %(region)s (%(quota)d) is larger than its eligible population (%(n)d)")
            % {"region": row["region"], "quota": row["quota"], "n": row[key]}
            for row in summary if row.get("quota") is not None and row["quota"] > row[key]]
