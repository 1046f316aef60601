"""Open a district package and check it before anything is merged: a package, signed by a trusted district
key, every file as the manifest says, reaching only its decree's households, each person in one household.

Refused with a clear message: not a package; not signed, signed by a key the national team does not trust
for that district (or one revoked), or a signature that does not match; a file missing or changed after
export (SHA-256 differs from the manifest); a zip bomb; rows outside the decree's households or district
(scope.py); a person present in two of its households (members.py).
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from mutakhir.core import jsoninput, signing
from mutakhir.core.archives import check_archive

from . import PackageError, csv_rows
from .members import check_members_once, read_members
from .scope import check_scope

REQUIRED = ("households.csv", "members.csv", "outcomes.csv", "decree.json")
SIGNATURE = "manifest.sig"


@dataclass
class Package:
    """A checked package: what the merge, the dry run and the inbox need."""

    path: Path
    manifest: dict
    sha256: str  # of manifest.json, which holds every file's SHA-256: the package's identity
    key_fingerprint: str
    outcomes: list[dict]
    members: list[tuple[int, str, str]]  # (members.csv row, NIK, household ID) of the present members
    households: set[str]

    @property
    def district(self) -> str:
        return str(self.manifest.get("district") or "")

    @property
    def decree_number(self) -> str:
        return str(self.manifest.get("decree") or "")


def read_manifest(archive: zipfile.ZipFile) -> tuple[dict, bytes]:
    try:
        raw = archive.read("manifest.json")
        manifest = jsoninput.loads(raw)
    except (KeyError, jsoninput.JsonInputError) as exc:
        raise PackageError(_("Not a Mutakhir package: manifest.json is missing or unreadable.")) from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != "package":
        kind = manifest.get("kind") if isinstance(manifest, dict) else "?"
        raise PackageError(_("Not a Mutakhir package: the manifest's kind is %(kind)s.") % {"kind": kind})
    return manifest, raw


def check_files(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Raise PackageError unless every required file is there with the manifest's SHA-256."""
    names = set(archive.namelist())
    for name in REQUIRED:
        entry = (manifest.get("files") or {}).get(name)
        if name not in names or not isinstance(entry, dict):
            raise PackageError(_("The package is incomplete: %(name)s is missing.") % {"name": name})
        if hashlib.sha256(archive.read(name)).hexdigest() != entry.get("sha256"):
            raise PackageError(_("The package was changed after export: the SHA-256 of %(name)s differs from "
                                 "manifest.json. Ask the district for the original package.") % {"name": name})


def check_signature(archive: zipfile.ZipFile, manifest: dict, raw: bytes) -> str:
    """Return the fingerprint of the trusted district key that signed the manifest; raise PackageError."""
    from mutakhir.registry.models import DistrictKey

    try:
        signed = jsoninput.loads(archive.read(SIGNATURE))
        fingerprint, signature = str(signed["key"]), str(signed["signature"])
    except (KeyError, TypeError, jsoninput.JsonInputError) as exc:
        raise PackageError(_("The package is not signed (manifest.sig is missing or unreadable): ask the district "
                             "to send the package from Mutakhir again.")) from exc
    district = str(manifest.get("district") or "")
    key = DistrictKey.objects.filter(fingerprint=fingerprint, district=district).first()
    if key is None:
        raise PackageError(_("The package is signed with key %(key)s, which the national team does not trust for "
                             "district %(district)s: register the district's public key first (`mutakhir keys "
                             "trust`).") % {"key": fingerprint[:16], "district": district})
    if key.revoked_at:
        raise PackageError(_("The package is signed with key %(key)s of district %(district)s, revoked on "
                             "%(at)s.") % {"key": key.fingerprint, "district": district,
                                           "at": f"{key.revoked_at:%Y-%m-%d}"})
    if not signing.verify(key.public_key, raw, signature):
        raise PackageError(_("The package's signature does not match its manifest: it was changed after it was "
                             "signed. Ask the district for the original package."))
    return key.fingerprint


def open_package(path: str | Path) -> Package:
    """Read and check a package file; raise PackageError, having written nothing, when it is refused."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise PackageError(_("%(path)s is not a .zip package.") % {"path": path.name})
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, PackageError)  # zip bombs: refused before anything is inflated
        manifest, raw = read_manifest(archive)
        fingerprint = check_signature(archive, manifest, raw)
        check_files(archive, manifest)
        outcomes = csv_rows(archive, "outcomes.csv")
        members, households = read_members(archive)
        check_scope(archive, outcomes, str(manifest.get("district") or ""))
    check_members_once(members)
    return Package(path, manifest, hashlib.sha256(raw).hexdigest(), fingerprint, outcomes, members, households)
