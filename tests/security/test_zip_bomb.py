"""Zip bombs: every reader of an uploaded zip (or .xlsx, which is a zip) refuses one before inflating it."""

import zipfile

import pytest

from mutakhir.core.archives import UnsafeArchive, check_archive
from mutakhir.identification.linkage.io import InputError, read_table
from mutakhir.registration.exchange_adapter import open_upload
from mutakhir.registry.exchange.dataset import open_dataset
from mutakhir.registry.exchange.errors import DatasetError
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.merge import import_package

BOMB = 4 * 2**20  # 4 MB of zeros deflate to ~4 KB: a ratio near 1,000 (real bombs reach millions)


@pytest.fixture(autouse=True)
def english():
    from conftest import in_english

    yield from in_english()


@pytest.fixture
def no_inflating(monkeypatch):
    """Fail the test if anything opens a zip member for reading once the bomb is handed over."""
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"a zip member was inflated: {args[:1]}")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)


def make_zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def bomb(tmp_path):
    """An exchange dataset whose households.csv is a compression bomb."""
    return make_zip(tmp_path / "dataset.zip", {"households.csv": b"household_id\n" + b"0" * BOMB,
                                              "members.csv": b"record_id\n"})


@pytest.fixture
def xlsx_bomb(tmp_path):
    """A workbook (a zip of XML parts) with one sheet that inflates absurdly."""
    return make_zip(tmp_path / "registrations.xlsx", {
        "[Content_Types].xml": b"<Types/>",
        "xl/worksheets/sheet1.xml": b"<worksheet><sheetData>" + b" " * BOMB + b"</sheetData></worksheet>"})


def test_it_refuses_a_high_ratio_member_naming_it(bomb):
    with zipfile.ZipFile(bomb) as archive, pytest.raises(UnsafeArchive) as exc:
        check_archive(archive)
    assert "households.csv in dataset.zip is compressed" in str(exc.value) and "zip bomb" in str(exc.value)


def test_it_refuses_a_total_size_over_the_limit(tmp_path, settings):
    settings.UNZIP_MAX_BYTES = 2**20
    path = make_zip(tmp_path / "big.zip", {f"part{i}.csv": bytes(range(256)) * 2048 for i in range(3)})
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeArchive, match=r"would unpack to 1\.5\sMB"):
        check_archive(archive)


def test_it_refuses_too_many_members(tmp_path, settings):
    settings.UNZIP_MAX_MEMBERS = 5
    path = make_zip(tmp_path / "many.zip", {f"f{i}.csv": b"x" for i in range(6)})
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsafeArchive, match="holds 6 files"):
        check_archive(archive)


def test_it_accepts_an_ordinary_dataset(tmp_path):
    rows = b"".join(b"H%07d,1901011001,Jalan %d\n" % (i, i) for i in range(50_000))  # compresses ~10x
    path = make_zip(tmp_path / "ok.zip", {"households.csv": b"household_id,region_code,address\n" + rows,
                                          "tiny.txt": b"0" * 1000})  # a small file may compress well
    with zipfile.ZipFile(path) as archive:
        check_archive(archive)


def test_the_registry_exchange_reader_refuses_a_bomb(bomb, no_inflating):
    with pytest.raises(DatasetError, match="zip bomb"), open_dataset(bomb):
        pass


@pytest.mark.parametrize("kind", ["zip", "xlsx"])
def test_the_registration_bulk_import_refuses_a_bomb(kind, bomb, xlsx_bomb, no_inflating):
    with pytest.raises(DatasetError, match="zip bomb"), open_upload(bomb if kind == "zip" else xlsx_bomb):
        pass


@pytest.fixture
def package_bomb(tmp_path):
    return make_zip(tmp_path / "package.zip", {"manifest.json": b"{}", "households.csv": b"0" * BOMB})


def test_the_package_import_refuses_a_bomb(package_bomb, no_inflating, db):
    with pytest.raises(PackageError, match="zip bomb"):
        import_package(package_bomb)


def test_the_matching_input_reader_refuses_a_bomb(bomb, no_inflating):
    with pytest.raises(InputError, match="zip bomb"):
        read_table(bomb, "households")
