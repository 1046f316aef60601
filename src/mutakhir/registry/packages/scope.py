"""National-level check that a package touches only the households of its decree, and the history it leaves.

A package is a district's word on the households its decree verified, not on anybody else. The households
it may touch are those its verifications are about (outcomes.csv `household_id`), the households a split
creates (`new_household_id`) and those a household merged into (`merged_into`). The package is refused,
with nothing merged, when
- a household row or a member row belongs to any other household;
- a member record the registry already holds lives in a household outside that set (a forged member
  reference would otherwise rewrite a person of another household as someone else);
- a household lies outside the package's district.
Every history row the merge writes then names the decree, the verification and its verifier.
"""

from itertools import batched

from django.utils.translation import gettext as _

from mutakhir.registry.models import Household, Member

from . import PackageError, csv_rows

CHUNK = 2000
SHOWN = 20  # problems listed in a refusal message
REASON_MAX = 100  # history_change_reason's length


def decree_households(outcomes: list[dict]) -> dict[str, dict]:
    """Return {household ID: its outcome row} for every household the decree may touch."""
    touched = {}
    for row in outcomes:
        for key in ("household_id", "new_household_id", "merged_into"):
            value = (row.get(key) or "").strip()
            if value:
                touched.setdefault(value, row)
    return touched


def _registry(model, key: str, values, *fields) -> dict:
    found = {}
    for chunk in batched(sorted(values), CHUNK):
        for value, *rest in model.objects.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            found[value] = rest[0] if len(rest) == 1 else rest
    return found


def _problems(archive, touched: set[str], district: str) -> list[str]:
    households, members = csv_rows(archive, "households.csv"), csv_rows(archive, "members.csv")
    problems = []
    for n, row in enumerate(households, start=2):
        hid, region = row["household_id"].strip(), (row.get("region_code") or "").strip()
        if hid not in touched:
            problems.append(_("households.csv row %(n)s: household %(id)s is not one of the decree's households.")
                            % {"n": n, "id": hid})
        elif not region.startswith(district):
            problems.append(_("households.csv row %(n)s: household %(id)s lies in region %(region)s, outside "
                              "district %(district)s.") % {"n": n, "id": hid, "region": region, "district": district})
    for hid, region in _registry(Household, "household_id", touched, "region_id").items():
        if not region.startswith(district):
            problems.append(_("Registry household %(id)s lies in region %(region)s, outside district %(district)s.")
                            % {"id": hid, "region": region, "district": district})
    registry = _registry(Member, "record_id", {r["record_id"].strip() for r in members}, "household__household_id")
    for n, row in enumerate(members, start=2):
        rid, hid = row["record_id"].strip(), row["household_id"].strip()
        if hid not in touched:
            problems.append(_("members.csv row %(n)s: member %(id)s is put in household %(household)s, not one of "
                              "the decree's households.") % {"n": n, "id": rid, "household": hid})
        elif rid in registry and registry[rid] not in touched:
            problems.append(_("members.csv row %(n)s: member %(id)s belongs to registry household %(other)s, not "
                              "one of the decree's households.") % {"n": n, "id": rid, "other": registry[rid]})
    return problems


def check_scope(archive, outcomes: list[dict], district: str) -> None:
    """Raise PackageError when the package reaches outside its decree's households or its district."""
    if not district:
        raise PackageError(_("The package names no district."))
    problems = _problems(archive, set(decree_households(outcomes)), district)
    if problems:
        more = [_("… and %(n)s more.") % {"n": len(problems) - SHOWN}] if len(problems) > SHOWN else []
        raise PackageError(_("The package reaches outside the households of its decree; nothing was merged:\n"
                             "%(lines)s") % {"lines": "\n".join(problems[:SHOWN] + more)})


def name_history(batch, outcomes: list[dict], decree_number: str) -> None:
    """Rewrite the merge's history reasons to name the decree, verification and verifier of each household."""
    by_reason = {}
    for hid, row in decree_households(outcomes).items():
        reason = f"SK {decree_number} · verifikasi #{row['verification_id']} · {row['verifier']}"
        by_reason.setdefault(reason[:REASON_MAX], []).append(hid)
    pks = _registry(Household, "household_id", {h for ids in by_reason.values() for h in ids}, "pk")
    for reason, ids in by_reason.items():
        for chunk in batched(ids, CHUNK):
            Household.history.filter(history_change_reason=batch.change_reason, household_id__in=chunk) \
                .update(history_change_reason=reason)
            Member.history.filter(history_change_reason=batch.change_reason,
                                  household_id__in=[pks[h] for h in chunk if h in pks]) \
                .update(history_change_reason=reason)
