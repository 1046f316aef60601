"""The person-linkage model without NIKs: name keys for swapped and mistyped names, training and the prior."""

import duckdb
import pyarrow as pa

from mutakhir.identification.linkage.features import prepare
from mutakhir.identification.linkage.model import PRIOR_RECALL, link

GIVEN = ["Rina", "Budi", "Agus", "Wati", "Joko", "Dewi", "Eko", "Sri", "Andi", "Yanti", "Hadi", "Lina"]
FAMILY = ["Santoso", "Wijaya", "Kusuma", "Pratama", "Hidayat", "Gunawan", "Halim", "Susanto", "Purnama", "Lestari"]


def side(prefix: str, people: list[tuple[str, str, str]]) -> tuple[pa.Table, pa.Table]:
    """Return (members, households) of one-person households: (name, birth date, village code) each."""
    ids = [f"{prefix}{i}" for i in range(len(people))]
    members = pa.table({"record_id": ids, "household_id": ids, "name": [p[0] for p in people],
                        "birth_date": [p[1] for p in people]})
    return members, pa.table({"household_id": ids, "region_code": [p[2] for p in people]})


def test_name_keys_survive_swapped_names():
    con = duckdb.connect()
    members, households = side("r", [("Rina Wati Santoso", "1980-01-02", "1901011001"),
                                     ("Santoso Rina Wati", "1980-01-02", "1901011001"), ("Budi", None, "1901011001")])
    prepare(con, {"reg": (members, households)})
    rows = con.execute("SELECT name_first, name_last, name_sorted FROM features_reg ORDER BY record_id").fetchall()
    assert rows == [("rina", "santoso", "rina santoso wati"), ("santoso", "wati", "rina santoso wati"),
                    ("budi", "budi", "budi")]


def test_without_niks_the_prior_comes_from_sure_pairs_and_names_are_trained():
    people = [(f"{g} {f}", f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"19010110{i % 5:02d}")
              for i, (g, f) in enumerate((g, f) for g in GIVEN for f in FAMILY)][:100]
    copies = [(f"{n.split()[1]} {n.split()[0]}" if i % 4 == 0 else n, b, v) for i, (n, b, v) in enumerate(people)]
    con = duckdb.connect()
    prepare(con, {"reg": side("r", copies[:80]), "bdt": side("b", people)})
    scored, prior, notes = link("features_reg", "features_bdt", con=con)
    # 60 copies keep name, birth date and village: the sure pairs (NIK rules find nothing). A skipped NIK
    # session must not leave the prior multiplied by the NIK's Bayes factor.
    assert abs(prior - 60 / PRIOR_RECALL / (80 * 100)) < 1e-9
    assert notes == ['training skipped: no pairs with l."nik" = r."nik"']
    best = {}
    for left, right, p in zip(*(scored[c].to_pylist() for c in ("record_id_l", "record_id_r", "match_probability")),
                              strict=True):
        best[left] = max(best.get(left, (0, None)), (p, right))
    swapped = [f"r{i}" for i in range(0, 80, 4)]
    assert all(best[r][1] == f"b{r[1:]}" and best[r][0] >= 0.95 for r in swapped), {r: best.get(r) for r in swapped}
