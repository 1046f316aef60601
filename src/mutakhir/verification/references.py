"""Identifiers that come back from a browser form or an ODK submission, re-checked against what they may touch.

The verification form carries each prefilled member's registry record ID in a hidden `ref`, and the visit
outcome "merged" names the household it merged into. Both travel through the client, so both are forged
as easily as typed: a `ref` pointing at a member of another household would, once the decree is approved
and its package merged, rewrite that person as someone else. So:
- a member `ref` must be a member of the registry household under verification (a household registered
  afresh has none), and name one member only once;
- `merged_into` must be an open registry household, not the household itself, inside both the verifier's
  region and the district of the update period.
The same rules serve the web form (one entry) and the ODK import (a file's entries, looked up per chunk).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import batched

from django.utils.translation import gettext as _

from mutakhir.registry.models import Household, Member, UpdatePeriod

from .checks import Issue
from .models import Outcome

CHUNK = 2000  # ids per IN (...) lookup: below SQLite's limit on query parameters


@dataclass
class References:
    """The registry facts the checks need, loaded once for a set of prelist entries and merge targets."""

    members: dict[int, set[str]] = field(default_factory=dict)  # registry household pk -> its members' record IDs
    targets: dict[str, str] = field(default_factory=dict)  # open household ID -> village code
    districts: dict[int, str] = field(default_factory=dict)  # update period pk -> its district's code

    @classmethod
    def load(cls, entries, merged_into=(), *, ended_members: bool = False) -> "References":
        """Load the members of the entries' registry households (open ones only, unless `ended_members`) and
        the open households among `merged_into`."""
        members = defaultdict(set)
        household_pks = sorted({e.household_id for e in entries if e.household_id})
        for chunk in batched(household_pks, CHUNK):
            rows = Member.objects.filter(household_id__in=chunk)
            if not ended_members:
                rows = rows.filter(ended_at__isnull=True)
            for household_pk, record_id in rows.values_list("household_id", "record_id"):
                members[household_pk].add(record_id)
        targets = {}
        for chunk in batched(sorted({m for m in merged_into if m}), CHUNK):
            targets |= dict(Household.objects.filter(household_id__in=chunk, ended_at__isnull=True)
                            .values_list("household_id", "region_id"))
        periods = {e.prelist.update_period_id for e in entries}
        districts = dict(UpdatePeriod.objects.filter(pk__in=periods).values_list("pk", "region_id"))
        return cls(dict(members), targets, districts)

    def member_issues(self, entry, answers: dict) -> list[Issue]:
        """Return an issue per member `ref` that is not a member of the entry's own registry household."""
        own = self.members.get(entry.household_id, set()) if entry.household_id else set()
        issues, seen = [], set()
        for i, member in enumerate((answers or {}).get("members") or []):
            ref = str(member.get("ref") or "").strip()
            if not ref:
                continue
            if ref not in own:
                issues.append(Issue("foreign_member", _("Member reference %(ref)s is not a member of this "
                                                        "household: reload the form.") % {"ref": ref[:40]}, "", i))
            elif ref in seen:
                issues.append(Issue("member_twice", _("Member reference %(ref)s is listed twice.")
                                    % {"ref": ref[:40]}, "", i))
            seen.add(ref)
        return issues

    def merge_issues(self, entry, outcome: str, merged_into: str, verifier, district: str) -> list[Issue]:
        """Return the issue with `merged_into`: it must be another open household within reach of the verifier."""
        merged_into = (merged_into or "").strip()
        if not merged_into:
            if outcome == Outcome.MERGED:
                return [Issue("merged_into", _("Give the ID of the household it merged into."), "merged_into")]
            return []
        if outcome != Outcome.MERGED:
            return [Issue("merged_into", _("A household to merge into is given only when the outcome is "
                                           "\"merged\"."), "merged_into")]
        own = entry.household.household_id if entry.household_id else None
        region = self.targets.get(merged_into)
        scope = verifier.scope_prefix if verifier is not None else None
        if merged_into == own or region is None or scope is None or not region.startswith(scope) \
                or not region.startswith(district):
            return [Issue("merged_into", _("Household %(id)s is not an open registry household in your region: "
                                           "check the ID.") % {"id": merged_into[:40]}, "merged_into")]
        return []

    def issues(self, entry, answers: dict, outcome: str, merged_into: str, verifier) -> list[Issue]:
        district = self.districts[entry.prelist.update_period_id]
        return self.member_issues(entry, answers) + self.merge_issues(entry, outcome, merged_into, verifier,
                                                                      district)

