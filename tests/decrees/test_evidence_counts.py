"""The decree's annex counts, per village, the verifications with a photo of the house and with its location."""

import pytest
from conftest import VILLAGE_IN
from evidence.photos import jpeg_with_gps
from verification.fixtures import accept, answers, make_entry

from mutakhir.core.evidence import parse_location
from mutakhir.decrees.annex import summary_rows

from .test_decrees import compile_decree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_summary_counts_photos_and_locations(entry, make_household, psm, tksk, operator):
    here = parse_location("-1.9", "106.1", "5")
    accept(entry, psm, tksk, photos={"photo_inside": jpeg_with_gps()}, location=here)
    more = [make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(2)]
    accept(more[0], psm, tksk, data=answers("1901010105800002"), location=here)
    accept(more[1], psm, tksk, data=answers("1901010105800003"))
    decree = compile_decree(operator)
    heads, rows = summary_rows(decree)
    assert heads[-2:] == ["With photo", "With location"]
    assert rows[0][1] == 3 and rows[0][-2:] == [1, 2]
