"""Files holding personal data (uploads, extracts): created readable by the app's user only.

Files saved through Django's storage (import error reports, Musdes minutes) get FILE_UPLOAD_PERMISSIONS
(0600) and FILE_UPLOAD_DIRECTORY_PERMISSIONS (0700) from the settings; files the app writes itself go
through `write_private`, so no NIK lands in a world-readable file (docs/security.md).
"""

import os
from collections.abc import Iterable
from pathlib import Path


def write_private(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write `chunks` to a new file at `path` (mode 0600, its folders 0700); refuse to replace a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return path
