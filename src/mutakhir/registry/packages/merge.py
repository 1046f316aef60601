"""`import_package`: merge a checked district package into the registry, all or nothing.

The checks are in checks.py. A package (or another package of the same decree) merges once. A person
also present in a registry household outside the package is merged and flagged (members.py). The merge is
the registry exchange importer in all-or-nothing mode, and each history row names the decree, the
verification and its verifier (scope.py).
"""

import json
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.registry.exchange.importer import Mode, Status, import_dataset

from . import PackageError
from .checks import Package, open_package
from .members import members_elsewhere
from .scope import name_history


def check_not_merged(package: Package) -> None:
    from mutakhir.decrees.models import PackageImport

    previous = PackageImport.objects.filter(sha256=package.sha256).first() or \
        PackageImport.objects.filter(decree_number=package.decree_number).first()
    if previous:
        raise PackageError(_("This package (decree %(number)s) was imported already, on %(at)s: it is not merged "
                             "twice.") % {"number": previous.decree_number,
                                          "at": f"{previous.imported_at:%Y-%m-%d %H:%M}"})


def merge(package: Package, *, user=None, progress=None):
    """Merge a checked package; return its PackageImport; raise PackageError, with nothing written."""
    from mutakhir.decrees.models import PackageImport

    check_not_merged(package)
    with transaction.atomic():
        flags = members_elsewhere(package.members, package.households)  # the registry as others left it
        result = import_dataset(package.path, mode=Mode.ALL_OR_NOTHING, user=user, force=True, progress=progress)
        batch = result.batch
        if batch.status != Status.DONE:
            raise PackageError(_("The package's rows are not valid; nothing was merged:\n%(errors)s")
                               % {"errors": batch.errors_summary})
        name_history(batch, package.outcomes, package.decree_number)
        counts = {"households_created": batch.households_created, "households_updated": batch.households_updated,
                  "members_created": batch.members_created, "members_updated": batch.members_updated,
                  "outcomes": dict(Counter(r["outcome"] for r in package.outcomes))}
        return PackageImport.objects.create(
            sha256=package.sha256, decree_number=package.decree_number, district=package.district,
            signer=json.dumps(package.manifest.get("signer", {}))[:255], source=str(package.path)[-255:],
            counts=counts, flags=flags, imported_by=user)


def import_package(path: str | Path, *, user=None, progress=None):
    """Check and merge a package file (the command line's path); raise PackageError when it is refused."""
    return merge(open_package(path), user=user, progress=progress)
