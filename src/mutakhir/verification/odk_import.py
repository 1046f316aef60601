"""Import ODK Central / Kobo submissions: map each back to its prelist household, check it like a web
entry, and apply it whole or not at all. Every refused submission is reported with its row and reason.

The export is streamed (submissions.py) twice, so memory holds one chunk of rows, whatever the file's length:
- a light first pass records what the whole-file checks need (odk_file_checks.py: an instance ID repeated,
  two verifiers on one household, one NIK in two households) before anything is written;
- the second pass checks and applies CHUNK rows at a time, with lookups per chunk (prelist entries,
  verifiers, known instance IDs, existing verifications, member references, members present elsewhere in
  the period), never per row; odk_apply.py writes the clean submissions in bulk, one transaction per batch.
A row whose fields have unexpected types (a list where text is expected, members that are not records, an
element that is not a record) is reported on its row with a code: it never stops the file.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import batched
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core.evidence import EvidenceRefused
from mutakhir.core.numbers import small_int
from mutakhir.identification.models import PrelistEntry

from .checks import BadValue, check_answers, parse
from .members import describe, listed_niks, present_elsewhere
from .models import Outcome, SubmissionImport, Verification
from .odk_apply import apply_clean
from .odk_evidence import Attachments, location
from .odk_file_checks import FileChecks
from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS
from .references import References
from .services import VerificationError, check_editable, check_verifier
from .submissions import Export, instance_id, submitter

CHUNK = 2000  # rows checked and applied at once; ids per IN (...) lookup: below SQLite's limit on query parameters
TEXT = 80  # characters of an instance ID or household key kept in the report
WRITTEN = ("moved_to", "merged_into", "new_kk")  # text fields of a submission written as they come
ENTRY_FIELDS = ("prelist__region_id", "prelist__update_period_id", "household__household_id", "registration__number",
                "category")


@dataclass
class Parsed:
    row: int
    raw: dict
    instance_id: str
    username: str
    entry: PrelistEntry | None = None
    verifier: object = None
    answers: dict | None = None
    record: bool = True  # False when the element is not a record at all (a number, a list...)
    photos: dict = field(default_factory=dict)  # field -> cleaned copy (odk_evidence.Attachments)
    location: object = None

    @classmethod
    def of(cls, row: int, element) -> "Parsed":
        if not isinstance(element, dict):
            return cls(row, {}, "", "", record=False)
        return cls(row, element, instance_id(element), submitter(element))


def _answers(raw: dict, flag) -> dict:
    household = {}
    for item in HOUSEHOLD_ITEMS:
        try:
            value = parse(item, raw.get(item.name))
        except BadValue as exc:
            flag(exc.code, f"{item.name}: {exc}")
            continue
        if value is not None:
            household[item.name] = value
    members = []
    repeat = raw.get("members") or []
    if not isinstance(repeat, list):
        flag("bad_members", _("The member list is not a list of members."))
        repeat = []
    for i, m in enumerate(repeat):
        if not isinstance(m, dict):
            flag("bad_members", _("Member %(n)s is not a member record.") % {"n": i + 1})
            continue
        out = {"ref": str(m.get("ref") or ""), "status": str(m.get("status") or "present")}
        for item in MEMBER_ITEMS:
            try:
                value = parse(item, m.get(item.name))
            except BadValue as exc:
                flag(exc.code, _("member %(n)s") % {"n": i + 1} + f" {item.name}: {exc}")
                continue
            if value is not None:
                out[item.name] = value
        members.append(out)
    return {"household": household, "members": members}


def _key(raw: dict) -> tuple[int | None, str]:
    prelist = str(raw.get("prelist_id") or "").strip()
    return small_int(prelist), str(raw.get("household") or "").strip()


def _attach_entries(parsed: list[Parsed]) -> None:
    """Set each submission's prelist entry (by registry household ID or registration number), per chunk."""
    wanted = defaultdict(set)
    for p in parsed:
        prelist, key = _key(p.raw)
        if prelist is not None and key:
            wanted[prelist].add(key)
    found = {}
    for prelist, keys in wanted.items():
        for chunk in batched(sorted(keys), CHUNK):
            entries = (PrelistEntry.objects.filter(prelist_id=prelist)
                       .filter(Q(household__household_id__in=chunk) | Q(registration__number__in=chunk))
                       .select_related("prelist", "household", "registration").only(*ENTRY_FIELDS))
            for e in entries:
                for key in (e.household.household_id if e.household_id else None,
                            e.registration.number if e.registration_id else None):
                    found.setdefault((prelist, key), e)
    for p in parsed:
        p.entry = found.get(_key(p.raw))


def _in_chunks(queryset, field: str, values) -> list:
    out = []
    for chunk in batched(sorted(set(values)), CHUNK):
        out += queryset.filter(**{f"{field}__in": chunk})
    return out


def import_submissions(path: str | Path, form_version: str, *, user=None, progress=None) -> SubmissionImport:
    """Check every submission of an export, apply the clean ones, and record the report.

    `progress(done, total)` is called as each chunk of rows is checked and applied.
    """
    path = Path(path)
    report: list[dict] = []
    applied = flagged = done = 0
    with Export(path) as export, FileChecks() as checks, Attachments(path) as attachments:
        total = _first_pass(export, checks)
        checks.started = timezone.now()
        for parsed in _chunks(export):
            chunk_applied, chunk_flagged = _import_chunk(parsed, form_version, checks, report, attachments)
            applied, flagged, done = applied + chunk_applied, flagged + chunk_flagged, done + len(parsed)
            if progress:
                progress(done, total)
    with path.open("rb") as fh:
        sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
    return SubmissionImport.objects.create(
        sha256=sha256, source=str(path)[-255:], form_version=form_version, user=user, applied=applied,
        flagged=flagged, report=sorted(report, key=lambda r: r["row"]))


def _chunks(export: Export):
    for chunk in batched(enumerate(export.rows(), start=1), CHUNK):
        yield [Parsed.of(row, element) for row, element in chunk]


def _ignore(code, message) -> None:
    """A flag for the first pass, which keeps only keys: the second pass reports each issue."""


def _first_pass(export: Export, checks: FileChecks) -> int:
    """Record the keys of every row for the whole-file checks, before anything is written; return the rows."""
    total = 0
    for parsed in _chunks(export):
        _attach_entries(parsed)
        checks.add((p.row, p.instance_id, p.entry.pk if p.entry else None, p.username,
                    p.entry.household_id if p.entry else None,
                    listed_niks(_answers(p.raw, _ignore), _outcome(p.raw))) for p in parsed)
        total += len(parsed)
    checks.finish()
    return total


def _import_chunk(parsed: list[Parsed], form_version: str, checks: FileChecks, report: list,
                  attachments: Attachments) -> tuple[int, int]:
    """Check one chunk of rows, apply its clean submissions; return how many were applied and flagged."""
    flagged: set[int] = set()

    def flagger(p: Parsed):
        def flag(code, message):
            flagged.add(p.row)
            report.append({"row": p.row, "instance_id": p.instance_id[:TEXT], "code": code, "message": message,
                           "household": str(p.raw.get("household", ""))[:TEXT]})
        return flag

    _attach_entries(parsed)
    known = set(_in_chunks(Verification.objects.values_list("instance_id", flat=True), "instance_id",
                           [p.instance_id for p in parsed if p.instance_id]))
    users = {u.username: u for u in _in_chunks(get_user_model().objects.all(), "username",
                                               [p.username for p in parsed])}
    existing = {v.entry_id: v for v in _in_chunks(Verification.objects.only("entry_id", "status"), "entry_id",
                                                  [p.entry.pk for p in parsed if p.entry])}
    references = References.load([p.entry for p in parsed if p.entry], [_merged_into(p.raw) for p in parsed])
    for p in parsed:
        flag = flagger(p)
        if not p.record:
            flag("not_a_record", _("The submission is not a record of answers."))
            continue
        if not p.instance_id:
            flag("no_instance_id", _("The submission has no instance ID."))
        elif p.instance_id in known or p.row in checks.repeated:
            flag("duplicate", _("Duplicate submission: this instance ID was imported already."))
        _check_row(p, form_version, users, existing, flag)
        if p.entry is not None and p.verifier is not None:
            for issue in references.issues(p.entry, p.answers, _outcome(p.raw), _merged_into(p.raw), p.verifier):
                flag(issue.code, str(issue))
        for code, message in checks.issues(p.row):
            flag(code, message)
        if p.row not in flagged:  # photos are decoded for rows that may still be applied only
            _evidence(p, attachments, flag)
    _period_checks(parsed, checks, flagger)
    clean = [p for p in parsed if p.row not in flagged]
    applied = apply_clean(clean, form_version, lambda p, message: flagger(p)("refused", message))
    return applied, len(flagged)


def _check_row(p: Parsed, form_version: str, users: dict, existing: dict, flag) -> None:
    """Flag what is wrong with one submission on its own: version, household, verifier, answers."""
    for name, value in (("instance_id", p.instance_id), *((f, str(p.raw.get(f) or "")) for f in WRITTEN)):
        limit = Verification._meta.get_field(name).max_length
        if len(value) > limit:
            flag("too_long", _("%(field)s is longer than %(n)s characters.") % {"field": name, "n": limit})
    version = str(p.raw.get("form_version") or "").strip()
    if version != str(form_version):
        flag("form_version", _("Form version %(got)s, expected %(want)s: an older form, re-send with the "
                               "current one.") % {"got": version or "?", "want": form_version})
    p.verifier = users.get(p.username)
    if p.entry is None:
        flag("unknown_household", _("The household is not in the form's prelist."))
    elif p.verifier is None:
        flag("unknown_verifier", _("Unknown verifier %(name)s.") % {"name": p.username or "?"})
    else:
        try:
            check_verifier(p.entry, p.verifier)
        except VerificationError as exc:
            flag("outside_region", str(exc))
        try:
            check_editable(existing.get(p.entry.pk))
        except VerificationError as exc:
            flag("already_submitted", str(exc))
    p.answers = _answers(p.raw, flag)
    outcome = _outcome(p.raw)
    if outcome not in Outcome.values:
        flag("unknown_code", _("Unknown visit outcome %(code)s.") % {"code": outcome or "?"})
    for issue in check_answers(p.answers, outcome):
        flag(issue.code, str(issue))


def _evidence(p: Parsed, attachments: Attachments, flag) -> None:
    """Check the row's geopoint and photos; keep the location and the cleaned photos on `p` for applying."""
    try:
        p.location = location(p.raw)
    except EvidenceRefused as exc:
        flag("bad_location", str(exc))
    p.photos = attachments.cleaned(p.raw, flag)


def _outcome(raw: dict) -> str:
    return str(raw.get("outcome") or "").strip()


def _merged_into(raw: dict) -> str:
    return str(raw.get("merged_into") or "").strip()


def _listed(p: Parsed) -> set[str]:
    return listed_niks(p.answers, _outcome(p.raw))


def _period_checks(parsed: list[Parsed], checks: FileChecks, flagger) -> None:
    """Flag a present member (NIK) whom a submitted or accepted verification of the period lists in another
    household, or who is a member of another open registry household (members.py, shared with the web form)
    for which the file does not speak. What earlier chunks wrote is left out: the first pass compared the file's
    households with one another."""
    found = present_elsewhere([(p.entry, nik) for p in parsed if p.entry for nik in _listed(p)], checks.households,
                              since=checks.started)
    for p in parsed:
        for nik in sorted(_listed(p)) if p.entry else ():
            for other in found.get((p.entry.pk, nik), ()):
                flagger(p)("member_twice", describe(nik, other))
