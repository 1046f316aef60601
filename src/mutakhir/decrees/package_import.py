"""`import_package`: check a district package at the national level and merge it into the registry.

Refused with a clear message: not a package, a file changed after export (SHA-256 differs from the
manifest), a file missing, a package (or another package of the same decree) imported before, a person
present in two of its households, any invalid row; a person also present in a registry household outside
the package is merged and flagged (package_members.py). The merge is all-or-nothing (registry exchange
importer, all-or-nothing mode).
"""

import csv
import hashlib
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.core import jsoninput
from mutakhir.core.archives import check_archive
from mutakhir.registry.exchange.importer import Mode, Status, import_dataset

from .models import PackageImport
from .package_export import PackageError
from .package_members import check_members_once, members_elsewhere, read_members

REQUIRED = ("households.csv", "members.csv", "outcomes.csv", "decree.json")


def read_manifest(archive: zipfile.ZipFile) -> tuple[dict, bytes]:
    try:
        raw = archive.read("manifest.json")
        manifest = jsoninput.loads(raw)
    except (KeyError, jsoninput.JsonInputError) as exc:
        raise PackageError(_("Not a Mutakhir package: manifest.json is missing or unreadable.")) from exc
    if manifest.get("kind") != "package":
        raise PackageError(_("Not a Mutakhir package: the manifest's kind is %(kind)s.")
                           % {"kind": manifest.get("kind")})
    return manifest, raw


def check_files(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Raise PackageError unless every required file is there with the manifest's SHA-256."""
    names = set(archive.namelist())
    for name in REQUIRED:
        entry = manifest.get("files", {}).get(name)
        if name not in names or not entry:
            raise PackageError(_("The package is incomplete: %(name)s is missing.") % {"name": name})
        if hashlib.sha256(archive.read(name)).hexdigest() != entry.get("sha256"):
            raise PackageError(_("The package was changed after export: the SHA-256 of %(name)s differs from "
                                 "manifest.json. Ask the district for the original package.") % {"name": name})


def import_package(path: str | Path, *, user=None) -> PackageImport:
    """Validate and merge a package; raise PackageError, with nothing written, when it is refused."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise PackageError(_("%(path)s is not a .zip package.") % {"path": path.name})
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, PackageError)  # zip bombs: refused before anything is inflated
        manifest, raw = read_manifest(archive)
        check_files(archive, manifest)
        outcomes = list(csv.DictReader(io.StringIO(archive.read("outcomes.csv").decode())))
        members, households = read_members(archive)
    check_members_once(members)
    sha = hashlib.sha256(raw).hexdigest()
    previous = PackageImport.objects.filter(sha256=sha).first() or \
        PackageImport.objects.filter(decree_number=manifest.get("decree")).first()
    if previous:
        raise PackageError(_("This package (decree %(number)s) was imported already, on %(at)s: it is not merged "
                             "twice.") % {"number": previous.decree_number,
                                          "at": f"{previous.imported_at:%Y-%m-%d %H:%M}"})
    with transaction.atomic():
        flags = members_elsewhere(members, households)  # before the merge: the registry as the other districts left it
        result = import_dataset(path, mode=Mode.ALL_OR_NOTHING, user=user, force=True)
        batch = result.batch
        if batch.status != Status.DONE:
            raise PackageError(_("The package's rows are not valid; nothing was merged:\n%(errors)s")
                               % {"errors": batch.errors_summary})
        counts = {"households_created": batch.households_created, "households_updated": batch.households_updated,
                  "members_created": batch.members_created, "members_updated": batch.members_updated,
                  "outcomes": dict(Counter(r["outcome"] for r in outcomes))}
        return PackageImport.objects.create(
            sha256=sha, decree_number=manifest.get("decree", ""), district=manifest.get("district", ""),
            signer=json.dumps(manifest.get("signer", {}))[:255], source=str(path)[-255:], counts=counts,
            flags=flags, imported_by=user)
