"""Test photos: a JPEG carrying an EXIF GPS position, as a phone writes it, and files that only look like photos."""

import io

from PIL import Image

GPS_IFD = 0x8825
LATITUDE = 2


def jpeg_with_gps(size=(64, 48), colour=(200, 120, 40)) -> bytes:
    """Return a JPEG whose EXIF holds a GPS latitude and a camera make."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "S", LATITUDE: (2.0, 6.0, 30.0), 3: "E", 4: (106.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def gps_of(data: bytes) -> dict:
    """Return the GPS tags of a JPEG's EXIF ({} without them)."""
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))


FAKE = b"MZ\x90\x00 this is a program renamed to .jpg" * 10
