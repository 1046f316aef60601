"""Indonesian name normalisation: one case per rule, and both sides of a pair meet."""

import pyarrow as pa
import pytest

from mutakhir.identification.linkage.normalize import normalize_address, normalize_name, normalize_names


@pytest.mark.parametrize(("raw", "expected"), [
    ("  BUDI   santoso ", "budi santoso"),  # case and spacing
    ("Ma'ruf Amin", "marup amin"),  # apostrophe; f -> p (Yusuf/Yusup)
    ("Budi-Santoso.", "budi santoso"),  # punctuation
    ("H. Budi Santoso", "budi santoso"),  # prefix title
    ("Hj. Drs. Aminah", "amina"),  # several prefix titles
    ("Budi Santoso, S.Pd.", "budi santoso"),  # degree after a comma
    ("Ir. Budi Santoso S.H.", "budi santoso"),  # degree without a comma
    ("Ahmad bin Yusuf", "ahmad"),  # patronymic
    ("Aminah binti Hasan", "amina"),
    ("Soekarno", "sukarno"),  # oe -> u
    ("Djoko", "yoko"),  # dj -> j -> y, like today's Joko
    ("Tjahjo", "cahyo"),  # tj -> c, j -> y
    ("Chairul", "hairul"),  # ch -> kh -> h
    ("Moch. Ali", "muhamad ali"),  # Muhammad abbreviations
    ("M. Ali", "muhamad ali"),
    ("Abd. Rahman", "abdul rahman"),
    ("St. Aminah", "siti amina"),
    ("Achmad Dahlan", "ahmad dahlan"),
    ("Rudi Hartono Siregar", "rudi hartono"),  # clan name moved out
    ("Hj.", None),  # nothing left
    (None, None),
])
def test_it_normalises_each_rule(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("Muhammad Yusuf", "Muh. Jusuf"), ("Mochamad Ali", "Mohammad Ali"), ("Rachmat", "Rahmat"),
    ("Syamsudin", "Samsuddin"), ("Effendy", "Efendi"), ("Fatimah", "Fatima"), ("Khadijah", "Hadijah"),
    ("Abdoel Hamid", "Abd. Hamid"), ("Sitti Nur", "St. Nur"), ("Tjoen", "Cun"), ("H. Joko, S.E.", "DJOKO"),
])
def test_it_gives_variants_one_form(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_it_keeps_different_names_apart():
    assert normalize_name("Hasan") != normalize_name("Husin")
    assert normalize_name("Budi Santoso") != normalize_name("Budi Susanto")


def test_it_returns_the_clan_separately():
    names, clans = normalize_names(pa.array(["Rudi Siregar", "Rudi", "Siregar"]))
    assert names.to_pylist() == ["rudi", "rudi", "siregar"]
    assert clans.to_pylist() == ["siregar", None, None]


def test_it_drops_address_filler_words():
    out = normalize_address(pa.array(["Jl. Merdeka No. 5, Dusun Tiga", "JLN MERDEKA 5 Dsn. Tiga", ""]))
    assert out.to_pylist() == ["merdeka 5 tiga", "merdeka 5 tiga", None]
