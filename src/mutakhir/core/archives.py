"""One guard for every zip Mutakhir reads (exchange datasets, bulk registrations, .xlsx workbooks, packages).

A zip bomb is a small upload that inflates to gigabytes and fills the disk or the memory of the server.
The guard reads only the archive's central directory (names and declared sizes), never inflates a
byte, and refuses archives whose declared total size, member count or compression ratio is absurd.
Python's zipfile stops inflating a member at its declared size (and then fails its CRC check), so a
lying header cannot make a checked archive inflate further than declared.

Limits are settings: UNZIP_MAX_BYTES (total uncompressed, default 8 GiB: a national exchange dataset is
a few GB), UNZIP_MAX_RATIO (per member, default 200: CSV compresses 5-20 times, a bomb thousands of
times; members under 1 MB are not held to it), UNZIP_MAX_MEMBERS (default 10,000).
"""

import zipfile
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

RATIO_FLOOR = 2**20  # members smaller than this may compress as well as they like


class UnsafeArchive(ValueError):
    """The archive was refused before unpacking; the message says why."""


def _limits() -> tuple[int, int, int]:
    return (getattr(settings, "UNZIP_MAX_BYTES", 8 * 2**30), getattr(settings, "UNZIP_MAX_RATIO", 200),
            getattr(settings, "UNZIP_MAX_MEMBERS", 10_000))


def check_archive(archive: zipfile.ZipFile, error: type[Exception] = UnsafeArchive) -> None:
    """Raise `error` with a clear message if the archive would unpack to something absurd."""
    max_bytes, max_ratio, max_members = _limits()
    infos = archive.infolist()
    name = Path(archive.filename or "").name or _("the archive")
    if len(infos) > max_members:
        raise error(_("%(name)s holds %(count)d files (at most %(max)d are accepted): refused without unpacking.")
                    % {"name": name, "count": len(infos), "max": max_members})
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise error(_("%(name)s would unpack to %(size)s (at most %(max)s are accepted): refused without "
                      "unpacking.") % {"name": name, "size": filesizeformat(total), "max": filesizeformat(max_bytes)})
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise error(_("%(member)s in %(name)s is compressed %(ratio)d times (at most %(max)d is accepted), as a "
                          "zip bomb is: refused without unpacking.")
                        % {"member": info.filename, "name": name, "ratio": ratio, "max": max_ratio})


def check_zip_file(path: str | Path, error: type[Exception] = UnsafeArchive) -> None:
    """Check the zip at `path` (an .xlsx is one); leave files that are no zip to their own reader's message."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        check_archive(archive, error)
