"""District packages at the national level: check (signature, checksums, scope), dry run, merge, inbox.

A district sends the package of an approved decree (decrees/package_export.py); the national team receives
it into its inbox (inbox.py), looks at a dry run, and applies it as a background job that merges it into
the registry all-or-nothing (merge.py), or refuses it with a reason. The district learns the outcome on its
decree page: at once in one installation, by an acknowledgement file between installations.
"""

import csv
import io


class PackageError(Exception):
    """The package cannot be written, read or merged; the message says why."""


def csv_rows(archive, name: str) -> list[dict]:
    """Return the rows of one CSV file of a package (UTF-8, a byte-order mark allowed)."""
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
