"""`export_package`: an approved decree's verified households as an exchange-format package (.zip).

The package holds households.csv and members.csv (FORMAT.md, with the documented extras ended_at and
end_reason), outcomes.csv (one row per verification), decree.json, manifest.json with the row counts, each
file's SHA-256 and the signer, and manifest.sig: the district key's Ed25519 signature of manifest.json.
Rows are the registry after the verification outcomes: changed fields, members ended (died, moved), new
households (new registrants, split households).
"""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core import signing
from mutakhir.registry.exchange.columns import FORMAT_VERSION, export_columns
from mutakhir.registry.exchange.exporter import as_text
from mutakhir.registry.models import Household
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.checks import SIGNATURE
from mutakhir.verification.models import MemberStatus, Outcome
from mutakhir.verification.references import References

from .models import Decree

HH_COLUMNS = [c.name for c in export_columns("households", True)]
M_COLUMNS = [c.name for c in export_columns("members", True)]
OUTCOME_COLUMNS = ["household_id", "verification_id", "category", "outcome", "moved_to", "merged_into", "new_kk",
                   "new_household_id", "verifier", "visited_on", "accepted_at"]
ENDING = {MemberStatus.DIED: "died", MemberStatus.MOVED: "moved"}


def _registry_row(hh: Household) -> dict:
    row = {c: getattr(hh, c, None) for c in HH_COLUMNS}
    return row | {"region_code": hh.region_id, "household_id": hh.household_id}


def _ended(verification) -> dt.datetime:
    day = verification.visited_on or timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def check_references(verifications, district: str) -> None:
    """Raise PackageError for a verification whose member references or merge target reach outside its own
    household or district: verifications saved before the server re-checked them (verification/references.py)
    must not reach the registry."""
    refs = References.load([v.entry for v in verifications], [v.merged_into for v in verifications],
                           ended_members=True)
    for v in verifications:
        problems = [str(issue) for issue in refs.member_issues(v.entry, v.answers)]
        if v.outcome == Outcome.MERGED and not refs.targets.get(v.merged_into, "").startswith(district):
            problems.append(_("merged into %(id)s, which is not an open household of the district")
                            % {"id": v.merged_into})
        if problems:
            raise PackageError(_("Verification #%(pk)s (%(household)s) cannot be sent: %(problems)s. Correct it "
                                 "through a correction decree.") % {"pk": v.pk, "household": v.subject_key,
                                                                   "problems": "; ".join(problems)})


def package_rows(decree: Decree):
    """Yield ("households"|"members"|"outcomes", row) for every verification of the decree."""
    items = list(decree.verifications.select_related("entry__household", "entry__registration", "entry__prelist",
                                                     "verifier", "reviewed_by").order_by("region_id", "pk"))
    check_references(items, decree.region_id)
    for v in items:
        entry, answers = v.entry, v.answers or {}
        hid = entry.household.household_id if entry.household_id else entry.registration.number
        base = _registry_row(entry.household) if entry.household_id else {"household_id": hid,
                                                                         "region_code": v.region_id}
        new_hid = f"{hid}-S" if v.outcome == Outcome.SPLIT else ""
        yield "outcomes", {"household_id": hid, "verification_id": v.pk, "category": entry.category,
                           "outcome": v.outcome, "moved_to": v.moved_to, "merged_into": v.merged_into,
                           "new_kk": v.new_kk, "new_household_id": new_hid, "verifier": v.verifier.username,
                           "visited_on": v.visited_on, "accepted_at": v.reviewed_at}
        if v.outcome in (Outcome.NOT_FOUND, Outcome.REFUSED):
            continue  # nothing observed: the registry keeps the household as it is
        ended = _ended(v)
        if v.outcome in (Outcome.MOVED, Outcome.MERGED):
            reason = "moved" if v.outcome == Outcome.MOVED else "merged"
            yield "households", base | {"ended_at": ended, "end_reason": reason}
        else:
            yield "households", base | answers.get("household", {})
        if v.outcome == Outcome.MERGED:
            target = Household.objects.filter(household_id=v.merged_into).first()
            if target is None:
                raise PackageError(f"{hid}: merged into unknown household {v.merged_into}")
            yield "households", _registry_row(target)
        if new_hid:
            yield "households", {"household_id": new_hid, "region_code": v.region_id,
                                 "address": answers.get("household", {}).get("address", "")}
        members = answers.get("members", [])
        if v.outcome == Outcome.MOVED and entry.household_id:
            members = [{"ref": m.record_id, "status": "moved", "name": m.name}
                       for m in entry.household.members.filter(ended_at__isnull=True)]
        for i, m in enumerate(members, 1):
            row = {k: m.get(k) for k in M_COLUMNS if k in m} | {"record_id": m.get("ref") or f"{hid}-N{i}",
                                                                 "household_id": hid}
            status = m.get("status", MemberStatus.PRESENT)
            if status in ENDING or v.outcome == Outcome.MOVED:
                row |= {"ended_at": ended, "end_reason": ENDING.get(status, "moved")}
            elif status == MemberStatus.SPLIT:
                row |= {"household_id": new_hid, "kk": v.new_kk or m.get("kk")}
            elif v.outcome == Outcome.MERGED:
                row["household_id"] = v.merged_into
            yield "members", row


def _write_csv(archive, name, columns, rows) -> dict:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([as_text(row.get(c)) for c in columns])
    data = buffer.getvalue().encode()
    archive.writestr(name, data)
    return {"rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()}


def decree_metadata(decree: Decree) -> dict:
    return {"number": decree.number, "date": decree.date.isoformat(), "district": decree.region_id,
            "update_period": str(decree.update_period), "legal_basis": decree.legal_basis,
            "signer": {"name": decree.signer_name, "title": decree.signer_title},
            "approved_by": decree.approved_by.username, "approved_at": decree.approved_at.isoformat(),
            "pdf_sha256": decree.pdf_sha256, "corrects": decree.corrects.number if decree.corrects else None}


def export_package(decree: Decree, out: str | Path) -> dict:
    """Write the package of an approved decree to a .zip; return its manifest."""
    if not decree.is_approved:
        raise PackageError(f"Decree {decree.number} is not approved: only an approved decree is sent.")
    tables = {"households": {}, "members": {}, "outcomes": []}
    for table, row in package_rows(decree):
        if table == "outcomes":
            tables[table].append(row)
        else:  # a household listed twice (a merge target) keeps its first row
            tables[table].setdefault(row["household_id" if table == "households" else "record_id"], row)
    _signature(decree.region_id, b"")  # no key, no package: refused before anything is written
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    meta = decree_metadata(decree)
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        files = {
            "households.csv": _write_csv(archive, "households.csv", HH_COLUMNS, list(tables["households"].values())),
            "members.csv": _write_csv(archive, "members.csv", M_COLUMNS, list(tables["members"].values())),
            "outcomes.csv": _write_csv(archive, "outcomes.csv", OUTCOME_COLUMNS, tables["outcomes"]),
        }
        decree_json = json.dumps(meta, indent=2).encode()
        archive.writestr("decree.json", decree_json)
        files["decree.json"] = {"sha256": hashlib.sha256(decree_json).hexdigest()}
        manifest = {"format": "mutakhir-exchange", "format_version": FORMAT_VERSION, "kind": "package",
                    "created_at": timezone.now().isoformat(timespec="seconds"), "decree": meta["number"],
                    "district": decree.region_id, "signer": meta["signer"], "files": files}
        raw = json.dumps(manifest, indent=2).encode()
        archive.writestr("manifest.json", raw)
        archive.writestr(SIGNATURE, json.dumps(_signature(decree.region_id, raw)))
    os.replace(partial, out)
    return manifest


def _signature(district: str, manifest: bytes) -> dict:
    """Return the district's signature of the manifest (manifest.sig); raise PackageError without a key."""
    try:
        public = signing.public_key(district)
        return {"district": district, "key": signing.fingerprint(public), "signature": signing.sign(district, manifest)}
    except signing.SigningError as exc:
        raise PackageError(str(exc)) from exc
