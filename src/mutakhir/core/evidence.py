"""Field evidence: photos of a house and where it stands, as Cek Bansos asks with an objection (docs/evidence.md).

A photo is checked before anything is kept: at most EVIDENCE_PHOTO_MAX_BYTES, a JPEG, PNG or WebP that
decodes whole (a renamed file or a truncated one is refused), no larger than MAX_PIXELS. It is then drawn
again into a new JPEG, upright and at most LONG_EDGE pixels long: nothing of the phone's file survives,
so neither its EXIF (GPS position, camera, time) nor any other metadata reaches the server's disk. It is
stored under MEDIA_ROOT, which no URL serves, and shown only through a view that checks the reader's scope
and logs the view (`photo_response`).
"""

import io
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import PersonalDataAccess

FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPT = "image/jpeg,image/png,image/webp"  # the file inputs' accept attribute
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is 8000 x 6000; more is a decompression bomb
LONG_EDGE = 2048  # pixels kept on the longer side: enough to see a wall or a floor, a few hundred KB
QUALITY = 85


class EvidenceRefused(ValueError):
    """The photo or location is not one the app keeps; the message, in the user's language, says why."""


def max_bytes() -> int:
    """Return the largest photo accepted (setting EVIDENCE_PHOTO_MAX_BYTES, default 5 MB)."""
    return getattr(settings, "EVIDENCE_PHOTO_MAX_BYTES", 5 * 2**20)


def _too_large(size: int) -> str:
    return _("The photo is %(size)s MB; a photo may be at most %(limit)s MB.") % {
        "size": round(size / 2**20, 1), "limit": max_bytes() // 2**20}


def _decoded(data: bytes) -> Image.Image:
    not_a_photo = EvidenceRefused(_("The file is not a photo the app accepts: send a JPEG, PNG or WebP image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise not_a_photo
            if image.width * image.height > MAX_PIXELS:
                raise EvidenceRefused(_("The photo has too many pixels (%(w)s x %(h)s).") % {"w": image.width,
                                                                                           "h": image.height})
            image.load()  # decodes the whole image: a truncated or forged file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        if isinstance(exc, EvidenceRefused):
            raise
        raise not_a_photo from exc
    return image


def clean_photo(data: bytes) -> bytes:
    """Return the photo as a new JPEG without any metadata, or raise EvidenceRefused."""
    if len(data) > max_bytes():
        raise EvidenceRefused(_too_large(len(data)))
    image = _decoded(data)
    image = ImageOps.exif_transpose(image)  # keep it upright once its orientation tag is gone
    image.thumbnail((LONG_EDGE, LONG_EDGE))
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", image.size, "white")  # transparency on white: a JPEG has none
    clean.paste(rgba, mask=rgba)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)  # a new image: no EXIF, ICC or comment to copy
    return out.getvalue()


def read_upload(upload) -> bytes:
    """Return an uploaded file's bytes, refusing one over the limit before reading it."""
    if upload.size > max_bytes():
        raise EvidenceRefused(_too_large(upload.size))
    return b"".join(upload.chunks())


def photo_file(clean: bytes) -> ContentFile:
    """Return a cleaned photo as a file to save in a FileField, under a random name."""
    return ContentFile(clean, name=f"{uuid.uuid4().hex}.jpg")


def attach(obj, photos: dict[str, bytes], location: "Location | None") -> list[str]:
    """Set cleaned photos (field name -> JPEG bytes) and a location on `obj`, unsaved; return the fields set.

    A replaced photo's file is deleted once the change is committed: the history keeps only its name.
    """
    fields = []
    for name, clean in photos.items():
        old = getattr(obj, name)
        if old:
            transaction.on_commit(partial(old.storage.delete, old.name))
        new = photo_file(clean)
        getattr(obj, name).save(new.name, new, save=False)
        fields.append(name)
    if location is not None:
        for name, value in location.fields().items():
            setattr(obj, name, value)
            fields.append(name)
    return fields


def with_evidence(queryset):
    """Return the rows of `queryset` (a model with PHOTOS and Located) holding a photo or a location."""
    model = queryset.model
    held = models.Q(latitude__isnull=False)
    for name in model.PHOTOS:
        held |= ~models.Q(**{name: ""})
    return queryset.filter(held)


def drop_evidence(queryset) -> int:
    """Delete the photos and clear the location of each row, and of its history rows; return the rows.

    The retention rule of field evidence (core/retention.py): the history keeps photo names and coordinates,
    so it is cleared too; the record itself (the answers, the complaint) stays.
    """
    model = queryset.model
    cleared = {**{name: "" for name in model.PHOTOS}, "latitude": None, "longitude": None, "location_accuracy": None}
    count = 0
    for obj in with_evidence(queryset).iterator(chunk_size=500):
        for name in model.PHOTOS:
            photo = getattr(obj, name)
            if photo:
                photo.storage.delete(photo.name)
        model.objects.filter(pk=obj.pk).update(**cleared)
        model.history.filter(id=obj.pk).update(**cleared)
        count += 1
    return count


def photo_field(verbose_name, folder: str) -> models.FileField:
    """Return the model field of one photo, stored under MEDIA_ROOT/evidence/<folder>/<year>/."""
    return models.FileField(verbose_name, upload_to=f"evidence/{folder}/%Y/", blank=True, max_length=120)


class Located(models.Model):
    """Where the evidence was taken: the device's position and its accuracy, as the browser or ODK gives them."""

    latitude = models.DecimalField(gettext_lazy("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(gettext_lazy("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    location_accuracy = models.PositiveIntegerField(gettext_lazy("location accuracy (m)"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    accuracy: int | None = None

    def fields(self) -> dict:
        return {"latitude": self.latitude, "longitude": self.longitude, "location_accuracy": self.accuracy}


def parse_location(latitude, longitude, accuracy=None) -> Location | None:
    """Return the location given as text or numbers (None when both are empty), or raise EvidenceRefused."""
    if str(latitude or "").strip() == "" and str(longitude or "").strip() == "":
        return None
    try:
        lat = Decimal(str(latitude).strip()).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude).strip()).quantize(Decimal("0.000001"))
        acc = None if str(accuracy or "").strip() == "" else max(round(float(accuracy)), 0)
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise EvidenceRefused(_("The location is not a latitude and longitude.")) from exc
    if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180) or (
            acc is not None and acc > 10**6):
        raise EvidenceRefused(_("The location is not a latitude and longitude."))
    return Location(lat, lon, acc)


def photo_response(request, obj, field: str) -> FileResponse:
    """Send one stored photo of `obj` (already fetched in the reader's scope), logged as a view of personal data."""
    photo = getattr(obj, field)
    if not photo:
        raise Http404
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, obj, fields=field)
    try:
        handle = photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
