"""One way to take a file's SHA-256: snapshots, exports, backups, uploads and extracts are named by it."""

import hashlib
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks by the standard library (files may be gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
