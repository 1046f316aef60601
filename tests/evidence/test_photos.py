"""Photos as evidence: metadata stripped by drawing them anew, and anything that is not a small photo refused."""

import io

import pytest
from PIL import Image

from mutakhir.core.evidence import EvidenceRefused, clean_photo, parse_location

from .photos import FAKE, jpeg_with_gps, png


def test_the_test_photo_does_carry_a_gps_position():
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(0x8825)[2] == (2.0, 6.0, 30.0)


def test_the_stored_photo_has_no_exif_at_all():
    clean = clean_photo(jpeg_with_gps())
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert dict(image.getexif()) == {} and dict(image.getexif().get_ifd(0x8825)) == {}
    assert b"PhoneMaker" not in clean and b"Exif" not in clean


def test_png_and_webp_are_kept_as_jpeg():
    webp = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(webp, "WEBP")
    for data in (png(), webp.getvalue()):
        assert Image.open(io.BytesIO(clean_photo(data))).format == "JPEG"


def test_a_large_photo_is_scaled_down():
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), "grey").save(big, "JPEG")
    assert Image.open(io.BytesIO(clean_photo(big.getvalue()))).size == (2048, 1536)


def test_an_oversize_file_is_refused_in_indonesian(settings):
    settings.EVIDENCE_PHOTO_MAX_BYTES = 1000
    with pytest.raises(EvidenceRefused, match="paling besar 0 MB|at most"):
        clean_photo(jpeg_with_gps() + b"\0" * 1000)


@pytest.mark.parametrize("data", [FAKE, jpeg_with_gps()[:200], b"GIF89a" + b"\0" * 50])
def test_a_fake_truncated_or_other_image_is_refused(data):
    with pytest.raises(EvidenceRefused):
        clean_photo(data)


def test_a_gif_that_decodes_is_still_refused():
    gif = io.BytesIO()
    Image.new("P", (8, 8)).save(gif, "GIF")
    with pytest.raises(EvidenceRefused):
        clean_photo(gif.getvalue())


def test_locations_are_checked():
    location = parse_location("-2.108333", "106.116667", "12.4")
    assert (str(location.latitude), str(location.longitude), location.accuracy) == ("-2.108333", "106.116667", 12)
    assert parse_location("", "") is None
    for lat, lon in (("91", "0"), ("0", "181"), ("abc", "1"), ("nan", "1"), ("1", "")):
        with pytest.raises(EvidenceRefused):
            parse_location(lat, lon)
