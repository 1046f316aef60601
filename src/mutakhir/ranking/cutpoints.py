"""National desil cut-points: published by a national ranking run as a signed file, imported by a district.

Why: DTKS/DTSEN desil are national (BDT was the poorest 40% of the nation). A district installation that ranks
only its own households would put 10% of them in desil 1 however rich or poor the district is. The national run
instead publishes the score at the top of each desil (nine thresholds: desil k holds scores in (t[k-1], t[k]],
desil 10 the rest), optionally per region code prefix (e.g. per province, where poverty lines differ; the
longest matching prefix wins, else the national thresholds). A district run then assigns desil by comparing
each household's score with them (`desil_sql`, the same CASE on DuckDB and Spark).

The file is JSON: {"format": FILE_FORMAT, "payload": {...}, "key": fingerprint, "signature": base64}; the
signature (Ed25519, core/signing.py, the national installation's key `NATIONAL_KEY`) is over the payload's
canonical JSON, so one changed number breaks it. The payload names the model by the SHA-256 of its file:
cut-points are only valid for the scores of that model, so a run refuses any other (`check_model`).
"""

import base64
import binascii
import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mutakhir.core import jsoninput, signing
from mutakhir.engines.base import Dialect

FILE_FORMAT = "mutakhir-cutpoints"
PAYLOAD_VERSION = 1
NATIONAL_KEY = "national"  # var/keys/national.ed25519 on the national team's server
DESILS = 10
MAX_BYTES = 2**20  # nine numbers per region: even every village of Indonesia stays far below


class CutPointsError(ValueError):
    """Cut-points that cannot be published, imported or used; the message says why and what to do."""


@dataclass(frozen=True)
class CutPoints:
    """The checked contents of a cut-points file."""

    model_name: str
    model_version: int
    model_sha256: str
    national_run: int
    published_at: datetime
    national: tuple[float, ...]
    regions: dict[str, tuple[float, ...]] = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    key_fingerprint: str = ""  # of the national key that signed the file (set by `load`)

    def thresholds(self, region_code: str = "") -> tuple[float, ...]:
        """Return the thresholds of a household of `region_code`: its longest listed prefix's, else national."""
        for code in sorted(self.regions, key=len, reverse=True):
            if region_code.replace(".", "").startswith(code):
                return self.regions[code]
        return self.national

    def desil(self, score: float, region_code: str = "") -> int:
        """Return the desil of a score (the Python twin of `desil_sql`)."""
        return 1 + sum(1 for t in self.thresholds(region_code) if score > t)


# --- publishing (national installation) ---

def run_thresholds(run) -> list[float]:
    """Return the nine thresholds of a run: the highest score in desil 1..k, for k = 1..9.

    Households with equal scores share a desil, so every score at or below t[k] is in desil k or lower.
    A desil left empty by ties repeats the threshold below it.
    """
    tops = dict(run.results.values_list("desil").annotate(top=Max("score")))
    if not tops:
        raise CutPointsError(_("Ranking run #%(run)s has no results to take cut-points from.") % {"run": run.pk})
    floor = min(tops.values()) - 1.0  # below every score: an empty desil 1 holds nobody
    out, top = [], floor
    for k in range(1, DESILS):
        top = max(top, tops.get(k, floor))
        out.append(top)
    return out


def run_payload(run) -> dict:
    """Return the payload of a run's cut-points; the run must use a published model version."""
    if run.pmt_model is None:
        raise CutPointsError(_("Run #%(run)s did not use a published model version: cut-points name the model they "
                               "belong to, so only such a run can publish them.") % {"run": run.pk})
    return {"format": FILE_FORMAT, "version": PAYLOAD_VERSION,
            "model": {"name": run.pmt_model.name, "version": run.pmt_model.version, "sha256": run.pmt_model.sha256},
            "run": {"id": run.pk, "households": run.households,
                    "weighting": "people" if run.persons_weighted else "households"},
            "published_at": timezone.now().isoformat(timespec="seconds"),
            "national": run_thresholds(run), "regions": {}}


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_payload(payload: dict) -> bytes:
    """Return the signed file of a payload, signed with the national key."""
    if not signing.key_path(NATIONAL_KEY).exists():
        raise CutPointsError(_("This installation has no national signing key: create it with `mutakhir ranking "
                               "national-key create` and give its public key to the districts."))
    public = signing.public_key(NATIONAL_KEY)
    signed = {"format": FILE_FORMAT, "payload": payload, "key": signing.fingerprint(public),
              "signature": signing.sign(NATIONAL_KEY, canonical(payload))}
    return json.dumps(signed, indent=1, ensure_ascii=False).encode()


def publish(run) -> bytes:
    """Return the signed cut-points file of a national ranking run."""
    return sign_payload(run_payload(run))


# --- importing (district installation) ---

def trust_national_key(public_key: str):
    """Trust the national team's public key (base64 of 32 bytes, as `mutakhir ranking national-key show` prints)."""
    from .models import NationalKey

    public_key = public_key.strip()
    try:
        raw = base64.b64decode(public_key, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise CutPointsError(_("Give the national team's Ed25519 public key (base64, as `mutakhir ranking "
                               "national-key show` prints it)."))
    key, _created = NationalKey.objects.get_or_create(fingerprint=signing.fingerprint(public_key),
                                                      defaults={"public_key": public_key})
    return key


def _verify(signed: dict) -> str:
    from .models import NationalKey

    fingerprint, signature = str(signed.get("key") or ""), str(signed.get("signature") or "")
    key = NationalKey.objects.filter(fingerprint=fingerprint).first()
    if key is None:
        raise CutPointsError(_("The cut-points are signed with key %(key)s, which this installation does not trust "
                               "as the national team's: register its public key first (`mutakhir ranking "
                               "national-key trust`).") % {"key": fingerprint[:16] or "?"})
    if key.revoked_at:
        raise CutPointsError(_("The cut-points are signed with key %(key)s, revoked on %(at)s.")
                             % {"key": key.fingerprint, "at": f"{key.revoked_at:%Y-%m-%d}"})
    if not isinstance(signed.get("payload"), dict) or not signing.verify(key.public_key, canonical(signed["payload"]),
                                                                          signature):
        raise CutPointsError(_("The signature of the cut-points does not match their contents: the file was changed "
                               "after the national team signed it. Ask for the original file."))
    return key.fingerprint


def _thresholds(values, where: str) -> tuple[float, ...]:
    ok = (isinstance(values, list) and len(values) == DESILS - 1
          and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values))
    if not ok or any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise CutPointsError(_("The cut-points of %(where)s must be nine ascending numbers.") % {"where": where})
    return tuple(float(v) for v in values)


def from_payload(payload: dict) -> CutPoints:
    """Check a (verified) payload field by field and return its cut-points."""
    try:
        model, run = payload["model"], payload["run"]
        if payload.get("format") != FILE_FORMAT or payload.get("version") != PAYLOAD_VERSION:
            raise KeyError("format")
        regions = payload.get("regions") or {}
        if not isinstance(regions, dict) or not all(str(c).isdigit() and len(c) <= 10 for c in regions):
            raise KeyError("regions")
        published = parse_datetime(str(payload["published_at"]))
        sha = str(model["sha256"])
        if published is None or len(sha) != 64 or not isinstance(model["version"], int):
            raise KeyError("model")
        return CutPoints(model_name=str(model["name"])[:80], model_version=model["version"], model_sha256=sha,
                         national_run=int(run["id"]), published_at=published,
                         national=_thresholds(payload["national"], _("the nation")),
                         regions={code: _thresholds(v, code) for code, v in regions.items()}, payload=payload)
    except CutPointsError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise CutPointsError(_("Not a cut-points file of this version of Mutakhir (field %(field)s).")
                             % {"field": exc}) from exc


def load(data: bytes) -> CutPoints:
    """Read and verify a signed cut-points file; return its cut-points (CutPointsError when refused)."""
    if len(data) > MAX_BYTES:
        raise CutPointsError(_("A cut-points file is at most 1 MB."))
    try:
        signed = jsoninput.loads(data)
    except jsoninput.JsonInputError as exc:
        raise CutPointsError(_("Not a cut-points file: %(error)s") % {"error": exc}) from exc
    if not isinstance(signed, dict) or signed.get("format") != FILE_FORMAT:
        raise CutPointsError(_("Not a cut-points file: its format is not %(format)s.") % {"format": FILE_FORMAT})
    fingerprint = _verify(signed)
    return replace(from_payload(signed["payload"]), key_fingerprint=fingerprint)


@transaction.atomic
def import_cutpoints(data: bytes, *, actor=None):
    """Verify a signed file and store its cut-points (once: the same file again returns the stored set).

    Refused when the model they belong to is not published in this installation: they would fit no run.
    """
    from .models import CutPointSet, PmtModelVersion

    points = load(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = CutPointSet.objects.filter(sha256=digest).first()
    if existing:
        return existing
    if not PmtModelVersion.objects.filter(sha256=points.model_sha256).exists():
        raise CutPointsError(_("These cut-points belong to model %(name)s v%(version)s (SHA-256 %(sha)s…), which is "
                               "not published here: publish that model file first, then import them again.")
                             % {"name": points.model_name, "version": points.model_version,
                                "sha": points.model_sha256[:12]})
    return CutPointSet.objects.create(
        model_name=points.model_name, model_version=points.model_version, model_sha256=points.model_sha256,
        national_run=points.national_run, published_at=points.published_at, content=points.payload, sha256=digest,
        key_fingerprint=points.key_fingerprint, imported_by=actor)


def of_set(cutpoint_set) -> CutPoints:
    """Return the cut-points of a stored set (checked when imported)."""
    return from_payload(cutpoint_set.content)


def check_model(model_sha256: str, cutpoint_set) -> None:
    """Refuse cut-points made for another model: its scores are on another scale."""
    if cutpoint_set is not None and cutpoint_set.model_sha256 != model_sha256:
        raise CutPointsError(_("%(cutpoints)s belong to model %(name)s v%(version)s; this run uses another model "
                               "(SHA-256 %(sha)s…). Choose the model the cut-points were made for, or rank without "
                               "them.") % {"cutpoints": cutpoint_set, "name": cutpoint_set.model_name,
                                           "version": cutpoint_set.model_version, "sha": model_sha256[:12]})


# --- scoring ---

def _case(thresholds: tuple[float, ...], d: Dialect) -> str:
    whens = " ".join(f"WHEN score <= {d.number(t)} THEN {k}" for k, t in enumerate(thresholds, 1))
    return f"CASE {whens} ELSE {DESILS} END"


def desil_sql(points: CutPoints, d: Dialect) -> str:
    """Return the desil expression over columns `score` and `reg` (the household's region code)."""
    national = _case(points.national, d)
    if not points.regions:
        return national
    whens = " ".join(f"WHEN substr(reg, 1, {len(code)}) = {d.string(code)} THEN {_case(points.regions[code], d)}"
                     for code in sorted(points.regions, key=len, reverse=True))
    return f"CASE {whens} ELSE {national} END"


def coverage() -> int:
    """Return the highest desil of the national coverage (4: desil 1–4, the old BDT 40%)."""
    return settings.DESIL_COVERAGE
