"""Import ODK Central / Kobo submissions: map each back to its prelist household, check it like a web
entry, and apply it whole or not at all. Every refused submission is reported with its row and reason.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mutakhir.identification.models import PrelistEntry

from .checks import ACTIVE_MEMBER, BadValue, check_answers, parse
from .models import Outcome, Source, SubmissionImport, Verification
from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS
from .services import VerificationError, check_assign, do_assign, do_save
from .submissions import instance_id, read_export, submitter

APPLY_CHUNK = 500


@dataclass
class Parsed:
    row: int
    raw: dict
    instance_id: str
    username: str
    entry: PrelistEntry | None = None
    verifier: object = None
    answers: dict | None = None


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
    for i, m in enumerate(raw.get("members") or []):
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


def _entry(raw: dict) -> PrelistEntry | None:
    key = str(raw.get("household") or "").strip()
    entries = PrelistEntry.objects.filter(prelist_id=str(raw.get("prelist_id") or "0").strip() or 0)
    return entries.filter(Q(household__household_id=key) | Q(registration__number=key)).first() if key else None


def import_submissions(path: str | Path, form_version: str, *, user=None) -> SubmissionImport:
    """Check every submission of an export, apply the clean ones, and record the report."""
    path = Path(path)
    rows = read_export(path)
    report: list[dict] = []
    flagged: set[int] = set()

    def flagger(p: Parsed):
        def flag(code, message):
            flagged.add(p.row)
            report.append({"row": p.row, "instance_id": p.instance_id, "household": str(p.raw.get("household", "")),
                           "code": code, "message": message})
        return flag

    parsed = [Parsed(n, raw, instance_id(raw), submitter(raw)) for n, raw in enumerate(rows, start=1)]
    known = set(Verification.objects.filter(instance_id__in=[p.instance_id for p in parsed])
                .values_list("instance_id", flat=True))
    seen: set[str] = set()
    users = {u.username: u for u in get_user_model().objects.filter(username__in={p.username for p in parsed})}
    for p in parsed:
        flag = flagger(p)
        if not p.instance_id:
            flag("no_instance_id", _("The submission has no instance ID."))
        elif p.instance_id in known or p.instance_id in seen:
            flag("duplicate", _("Duplicate submission: this instance ID was imported already."))
        seen.add(p.instance_id)
        version = str(p.raw.get("form_version") or "").strip()
        if version != str(form_version):
            flag("form_version", _("Form version %(got)s, expected %(want)s: an older form, re-send with the "
                                   "current one.") % {"got": version or "?", "want": form_version})
        p.entry = _entry(p.raw)
        p.verifier = users.get(p.username)
        if p.entry is None:
            flag("unknown_household", _("The household is not in the form's prelist."))
        elif p.verifier is None:
            flag("unknown_verifier", _("Unknown verifier %(name)s.") % {"name": p.username or "?"})
        else:
            try:
                check_assign(p.entry, p.verifier)
            except VerificationError as exc:
                flag("outside_region", str(exc))
        p.answers = _answers(p.raw, flag)
        outcome = str(p.raw.get("outcome") or "").strip()
        if outcome not in Outcome.values:
            flag("unknown_code", _("Unknown visit outcome %(code)s.") % {"code": outcome or "?"})
        for issue in check_answers(p.answers, outcome):
            flag(issue.code, str(issue))
    _cross_checks(parsed, flagger)
    applied = 0
    clean = [p for p in parsed if p.row not in flagged]
    for start in range(0, len(clean), APPLY_CHUNK):
        with transaction.atomic():  # one commit per chunk; each submission is its own savepoint inside it
            for p in clean[start:start + APPLY_CHUNK]:
                try:
                    _apply(p, form_version)
                    applied += 1
                except VerificationError as exc:
                    flagger(p)("refused", str(exc))
    return SubmissionImport.objects.create(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(), source=str(path)[-255:], form_version=form_version,
        user=user, applied=applied, flagged=len(flagged), report=sorted(report, key=lambda r: r["row"]))


def _cross_checks(parsed: list[Parsed], flagger) -> None:
    """Flag verifiers disagreeing on one household, and a person (NIK) listed in two households."""
    by_entry = defaultdict(list)
    for p in parsed:
        if p.entry:
            by_entry[p.entry.pk].append(p)
    for group in by_entry.values():
        if len({p.username for p in group}) > 1:
            for p in group:
                flagger(p)("disagreement", _("Two verifiers sent different submissions for this household."))
    by_nik = defaultdict(set)
    for p in parsed:
        for m in (p.answers or {}).get("members", []):
            if m.get("nik") and m.get("status") in ACTIVE_MEMBER and p.entry:
                by_nik[m["nik"]].add(p.entry.pk)
    for p in parsed:
        for m in (p.answers or {}).get("members", []):
            if len(by_nik.get(m.get("nik"), ())) > 1 and m.get("status") in ACTIVE_MEMBER:
                flagger(p)("member_twice", _("A member (NIK %(nik)s…) is listed in two households.")
                           % {"nik": m["nik"][:4]})


@transaction.atomic
def _apply(p: Parsed, form_version: str) -> None:
    existing = Verification.objects.filter(entry=p.entry).first()
    if existing and existing.verifier_id != p.verifier.pk and existing.status not in ("assigned",):
        raise VerificationError(_("Another verifier has verified this household already."))
    v = do_assign(p.entry, p.verifier, actor=p.verifier)
    raw = p.raw
    do_save(v, version=v.version, outcome=str(raw.get("outcome") or ""), answers=p.answers, actor=p.verifier,
            submit=True, moved_to=str(raw.get("moved_to") or ""), merged_into=str(raw.get("merged_into") or ""),
            new_kk=str(raw.get("new_kk") or ""), visited_on=(str(raw.get("visited_on") or "")[:10] or None),
            source=Source.ODK, instance_id=p.instance_id, form_version=form_version)
