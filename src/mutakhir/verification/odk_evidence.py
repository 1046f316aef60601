"""The evidence of an ODK/Kobo submission: its photos (attachments beside the export) and its geopoint.

ODK Central's "all records with media" zip, like Kobo's, holds each photo under `media/` and names it in the
photo's column; the upload unpacks those files beside the export (odk_uploads.py), and `mutakhir
verification import FILE` reads them from `media/` beside FILE. Each photo is checked and stripped of its
metadata like a photo sent from the web form (core/evidence.py) while its row is checked, so a bad or
missing photo is reported on its row; the cleaned copy waits in the same folder until the row is applied.

A geopoint comes as "lat lon alt accuracy" (Kobo, and JSON exports), as `location-Latitude`,
`location-Longitude`, `location-Accuracy` columns (ODK Central CSV, read here by their last segment), or as
GeoJSON (ODK Central OData: coordinates [lon, lat, alt], accuracy in its properties).
"""

import tempfile
import uuid
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from mutakhir.core.evidence import EvidenceRefused, Location, clean_photo, max_bytes, parse_location
from mutakhir.core.privatefiles import write_private

from .models import Verification

MEDIA = "media"
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def location(raw: dict) -> Location | None:
    """Return the submission's geopoint, None without one, or raise EvidenceRefused."""
    text = raw.get("location")
    if isinstance(text, str) and text.strip():
        parts = text.split()
        if len(parts) < 2:
            raise EvidenceRefused(_("The location is not a latitude and longitude."))
        return parse_location(parts[0], parts[1], parts[3] if len(parts) > 3 else None)
    if str(raw.get("Latitude") or "").strip():
        return parse_location(raw.get("Latitude"), raw.get("Longitude"), raw.get("Accuracy"))
    coordinates = raw.get("coordinates")
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return parse_location(coordinates[1], coordinates[0], raw.get("accuracy"))
    return None


class Attachments:
    """The photo files beside an export, and the cleaned copies made of them while rows are checked.

    A context manager: the cleaned copies live in a private temporary folder until the import ends.
    """

    def __init__(self, export: Path):
        self.folder = export.parent / MEDIA
        self.copies = tempfile.TemporaryDirectory(prefix="mutakhir-odk-photos-")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.copies.cleanup()

    def _file(self, name: str) -> Path | None:
        base = PurePosixPath(name.replace("\\", "/")).name  # a name, never a path out of the folder
        path = self.folder / base
        return path if base and base.lower().endswith(SUFFIXES) and path.is_file() else None

    def cleaned(self, raw: dict, flag) -> dict[str, Path]:
        """Return field -> cleaned copy of each photo the row names; flag each one missing or refused."""
        out = {}
        for field in Verification.PHOTOS:
            name = str(raw.get(field) or "").strip()
            if not name:
                continue
            path = self._file(name)
            if path is None:
                flag("missing_photo", _("The photo %(name)s is not in the upload: export the submissions with "
                                        "their media files.") % {"name": name[:80]})
                continue
            try:
                if path.stat().st_size > max_bytes():
                    raise EvidenceRefused(_("The photo %(name)s is larger than %(limit)s MB.")
                                          % {"name": path.name, "limit": max_bytes() // 2**20})
                clean = clean_photo(path.read_bytes())
            except EvidenceRefused as exc:
                flag("bad_photo", f"{field}: {exc}")
                continue
            out[field] = write_private(Path(self.copies.name) / f"{uuid.uuid4().hex}.jpg", [clean])
        return out


def photo_bytes(photos: dict[str, Path]) -> dict[str, bytes]:
    """Return the cleaned photos of a row, to store."""
    return {field: path.read_bytes() for field, path in photos.items()}
