"""Region codes and the region loader: the official 2025 list, a newer CSV, bad CSV lines."""

import pytest
from lokal import wilayah

from mutakhir.regions.codes import RegionCodeError, dotted, level_of, normalize_code, parent_code
from mutakhir.regions.loader import LOKAL_SOURCE, RegionFileError, csv_rows, load_regions, lokal_rows
from mutakhir.regions.models import Region

# --- codes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "plain", "level", "parent"), [
    ("19", "19", 1, None),
    ("19.01", "1901", 2, "19"),
    ("1901", "1901", 2, "19"),
    ("19.01.02", "190102", 3, "1901"),
    ("190102", "190102", 3, "1901"),
    ("19.01.02.2001", "1901022001", 4, "190102"),
    (" 1901022001 ", "1901022001", 4, "190102"),
])
def test_it_reads_codes_with_or_without_dots(given, plain, level, parent):
    assert normalize_code(given) == plain
    assert level_of(given) == level
    assert parent_code(given) == parent
    assert normalize_code(dotted(given)) == plain
    assert dotted(plain).count(".") == level - 1


@pytest.mark.parametrize("bad", ["", "1", "123", "19.1", "1.901", "19..01", "19.01.02.201", "19010220011",
                                 "19-01", "19 01", "ab", "19.01.0a"])
def test_it_rejects_what_is_not_a_region_code(bad):
    with pytest.raises(RegionCodeError):
        normalize_code(bad)


# --- the official list ----------------------------------------------------------------------------------


def test_it_loads_a_prefix_of_the_official_list_with_its_parents(db):
    official = {c.replace(".", ""): n for src in (wilayah._base(), wilayah._desa()) for c, n in src.items()
                if c.startswith("19.01") or c == "19"}
    assert load_regions(lokal_rows("19.01"), LOKAL_SOURCE) == len(official)
    assert dict(Region.objects.values_list("code", "name")) == official
    assert not Region.objects.filter(code__startswith="1902").exists()
    village = Region.objects.get(code="1901011001")
    assert (village.name, village.level, village.kind, village.postal_code) == ("Sungailiat", 4, "kelurahan", "33211")
    assert village.parent_id == "190101" and village.parent.parent_id == "1901" and village.source == LOKAL_SOURCE
    assert Region.objects.get(code="1901").kind == "kabupaten"
    assert Region.objects.get(code="190102").level == Region.Level.SUBDISTRICT


# --- a newer CSV ----------------------------------------------------------------------------------------


def write_csv(tmp_path, text: str):
    path = tmp_path / "wilayah.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_a_newer_csv_that_renames_and_adds(regions, tmp_path):
    before = Region.objects.count()
    path = write_csv(tmp_path, "code,name,bps_code,postal_code\n"
                               "19.01,Kabupaten Bangka Raya,,\n"
                               "1901022004,Desa Belinyu Lama,,33253\n"
                               "19.01.09,Pesisir Baru,1901091,\n"
                               "19.01.09.2001,Tanjung Baru,1901091001,33299\n"
                               "1901091001,Pesisir,,\n")
    assert load_regions(csv_rows(path), str(path)) == 5
    assert Region.objects.count() == before + 3
    renamed = Region.objects.get(code="1901")
    assert (renamed.name, renamed.level, renamed.kind, renamed.source) == ("Kabupaten Bangka Raya", 2, "kabupaten",
                                                                          str(path))
    added = Region.objects.get(code="1901092001")
    assert (added.name, added.parent_id, added.level, added.kind) == ("Tanjung Baru", "190109", 4, "desa")
    assert (added.bps_code, added.postal_code) == ("1901091001", "33299")
    assert Region.objects.get(code="1901091001").kind == "kelurahan"
    assert Region.objects.get(code="1901022004").name == "Desa Belinyu Lama"
    # Codes absent from the newer list stay: households may still point at them.
    assert Region.objects.get(code="1902").source == LOKAL_SOURCE
    assert Region.objects.get(code="1901").descendants().filter(code="1901092001").exists()


def test_it_keeps_what_a_newer_csv_leaves_out_and_updates_what_it_gives(regions, tmp_path):
    path = write_csv(tmp_path, "code,name,bps_code\n19.01.01.1001,Sungailiat,1901010001\n")
    load_regions(csv_rows(path), str(path))
    village = Region.objects.get(code="1901011001")
    assert (village.postal_code, village.bps_code) == ("33211", "1901010001")


@pytest.mark.parametrize(("text", "message"), [
    ("code,name\n19.01,Kabupaten Bangka\n19.1,Bangka Lama\n", "line 3: '19.1' is not a region code"),
    ("code,name\n19.01,Kabupaten Bangka\n19.01.01,\n", "line 3: empty name"),
    ("code,name\n19.01,  \n", "line 2: empty name"),
    ("kode,nama\n19,Bangka\n", "missing column(s) code, name"),
    ("code\n19\n", "missing column(s) name"),
])
def test_it_rejects_a_bad_csv_line_by_number(regions, tmp_path, text, message):
    path = write_csv(tmp_path, text)
    with pytest.raises(RegionFileError) as raised:
        load_regions(csv_rows(path), str(path))
    assert message in str(raised.value) and str(path) in str(raised.value)
    assert Region.objects.get(code="1901").name == "Kabupaten Bangka"  # nothing loaded


def test_it_rejects_a_region_whose_parent_is_missing(regions, tmp_path):
    path = write_csv(tmp_path, "code,name\n19.01,Kabupaten Bangka Raya\n19.01.77.2001,Desa Yatim\n")
    with pytest.raises(RegionFileError, match="region 1901772001: parent 190177 is missing"):
        load_regions(csv_rows(path), str(path))
    assert Region.objects.get(code="1901").name == "Kabupaten Bangka"
    assert not Region.objects.filter(code="1901772001").exists()


def test_it_reads_a_csv_with_a_byte_order_mark(db, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("code,name\n19,Kepulauan Bangka Belitung\n", encoding="utf-8-sig")
    assert list(csv_rows(path)) == [{"code": "19", "name": "Kepulauan Bangka Belitung", "postal_code": "",
                                     "bps_code": ""}]
