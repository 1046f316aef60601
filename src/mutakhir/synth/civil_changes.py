"""Plant civil-registry changes for the verivali sync benchmark: a newer extract and its truth.

Starts from a synthetic district (`mutakhir synth`): the civil extract (everyone living there) and the
registry snapshot. Registry members are found in the extract by NIK, or, where the registry lacks the
NIK, by the exact name, birth date and sex the generator wrote, with the same KK where one such person
has it (construction, not matching). Then:

- deaths: `death_date` set; some death records are written without the NIK (found only by name);
- moves: the domicile village moved to another district;
- KK changes: a new family-card number;
- NIK corrections: the civil registry issued another NIK; half the rows name the old one in `previous_nik`;
- bad input: NIKs duplicated on other people, and people of another district.

Truth (`truth.csv`: record_id, kind, value) lists every change the extract now shows for a registry
member, planted or already there in the synthetic world (a household split gives a new KK; a
registry member without NIK gets one): what a perfect sync would propose.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

RATES = {"death": 0.01, "death_without_nik": 0.2, "move": 0.01, "kk_change": 0.01, "nik_correction": 0.005,
         "previous_nik_given": 0.5}
DEATHS_FROM, DEATHS_DAYS = np.datetime64("2023-01-01", "D"), 790
EXTRACT_COLUMNS = ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "birth_place", "relation",
                   "region_code", "death_date", "previous_nik"]


def _text(table: pa.Table, column: str) -> np.ndarray:
    return np.array(table[column].cast(pa.string()).fill_null("").to_pylist(), dtype=object)


def link_registry(members: pa.Table, households: pa.Table, civil: pa.Table) -> np.ndarray:
    """Return, per registry member, the index of its civil row (-1 where the person is not in the extract)."""
    by_nik = pc.index_in(members["nik"].cast(pa.string()), value_set=civil["nik"].cast(pa.string()))

    def person(table):
        return pc.binary_join_element_wise(pc.utf8_upper(table["name"].cast(pa.string())),
                                           table["birth_date"].cast(pa.string()), table["sex"].cast(pa.string()), "|")

    # Namesakes born on one day are common in a large district: prefer the one with the member's KK.
    same_kk = pc.index_in(pc.binary_join_element_wise(person(members), members["kk"].cast(pa.string()), "|"),
                          value_set=pc.binary_join_element_wise(person(civil), civil["kk"].cast(pa.string()), "|"))
    by_person = pc.coalesce(same_kk, pc.index_in(person(members), value_set=person(civil)))
    has_nik = pc.fill_null(pc.greater(pc.utf8_length(members["nik"].cast(pa.string())), 0), False)
    return pc.fill_null(pc.if_else(has_nik, by_nik, by_person), -1).to_numpy(zero_copy_only=False)


def _other_district(code: str) -> str:
    return code[:2] + ("02" if code[2:4] != "02" else "03")


def plant(members: pa.Table, households: pa.Table, civil: pa.Table, *, seed: int = 1, persons: int | None = None,
          duplicates: int = 50, outsiders: int = 200, rates: dict | None = None) -> tuple[pa.Table, pa.Table, dict]:
    """Return (extract, truth, counts). `persons` trims people who are not registry members to that size."""
    rates = {**RATES, **(rates or {})}
    rng = np.random.default_rng(seed)
    link = link_registry(members, households, civil)
    linked = np.flatnonzero(link >= 0)
    keep = np.ones(civil.num_rows, dtype=bool)
    others = np.setdiff1d(np.arange(civil.num_rows), link[linked])
    if persons is not None and civil.num_rows > persons:
        keep[rng.choice(others, civil.num_rows - persons, replace=False)] = False
        others = others[keep[others]]
    col = {c: _text(civil, c) for c in ("record_id", "nik", "kk", "name", "region_code", "birth_date")}
    death = np.full(civil.num_rows, "", dtype=object)
    previous = np.full(civil.num_rows, "", dtype=object)
    reg_nik, reg_kk = _text(members, "nik"), _text(members, "kk")
    village = dict(zip(_text(households, "household_id"), _text(households, "region_code"), strict=True))
    reg_village = np.array([village[h] for h in _text(members, "household_id")], dtype=object)

    order = rng.permutation(linked)
    same_kk = reg_kk[order] == col["kk"][link[order]]
    n = {k: int(rates[k] * len(linked)) for k in ("death", "move", "kk_change")}
    dead, moved, new_kk = np.split(order[:sum(n.values())], np.cumsum([n["death"], n["move"]]))
    rest = order[sum(n.values()):]
    fixable = rest[same_kk[sum(n.values()):] & (reg_nik[rest] != "")]
    new_nik = fixable[:int(rates["nik_correction"] * len(linked))]

    rows = link[dead]
    death[rows] = (DEATHS_FROM + rng.integers(0, DEATHS_DAYS, len(rows))).astype(str)
    col["nik"][rows[rng.random(len(rows)) < rates["death_without_nik"]]] = ""
    rows = link[moved]
    col["region_code"][rows] = [_other_district(c) + c[4:] for c in col["region_code"][rows]]
    rows = link[new_kk]
    col["kk"][rows] = [k[:6] + "010125" + f"{9000 + i % 1000:04d}" for i, k in enumerate(col["kk"][rows])]
    rows = link[new_nik]
    taken = set(col["nik"])
    for row in rows:
        old = col["nik"][row]
        fresh = old[:12] + f"{rng.integers(5000, 10000):04d}"
        while fresh in taken:
            fresh = old[:12] + f"{rng.integers(5000, 10000):04d}"
        taken.add(fresh)
        if rng.random() < rates["previous_nik_given"]:
            previous[row] = old
        col["nik"][row] = fresh
    truth = _truth(members, link, reg_nik, reg_kk, reg_village, col, death, set(link[new_nik]))
    extra = _bad_rows(rng, civil, col, others, duplicates, outsiders)
    base = {c: civil[c].cast(pa.string()) for c in EXTRACT_COLUMNS if c in civil.column_names}
    base.update({c: pa.array(v, pa.string()) for c, v in col.items()})
    base.update(death_date=pa.array(death, pa.string()), previous_nik=pa.array(previous, pa.string()))
    extract = pa.table({c: base[c] for c in EXTRACT_COLUMNS}).filter(pa.array(keep))
    extract = pa.concat_tables([extract, extra.select(EXTRACT_COLUMNS)])
    extract = extract.set_column(extract.column_names.index("nik"), "nik",
                                 pc.if_else(pc.equal(extract["nik"], ""), None, extract["nik"]))
    counts = {"extract_rows": extract.num_rows, "registry_members": members.num_rows, "in_extract": len(linked),
              "planted": {"death": len(dead), "move": len(moved), "kk_change": len(new_kk),
                          "nik_correction": len(new_nik)},
              "duplicate_nik_rows": duplicates, "outsider_rows": outsiders,
              "truth": {k: int(v) for k, v in zip(*np.unique(truth["kind"].to_numpy(zero_copy_only=False),
                                                             return_counts=True), strict=True)}}
    return extract, truth, counts


def _truth(members, link, reg_nik, reg_kk, reg_village, col, death, corrected) -> pa.Table:
    ids = _text(members, "record_id")
    out = {"record_id": [], "kind": [], "value": []}

    def add(i, kind, value):
        out["record_id"].append(ids[i])
        out["kind"].append(kind)
        out["value"].append(value)

    for i in np.flatnonzero(link >= 0):
        row = link[i]
        if death[row]:
            add(i, "death", death[row])
        elif col["region_code"][row][:4] != reg_village[i][:4]:
            add(i, "move", col["region_code"][row])
        else:
            if col["kk"][row] != reg_kk[i]:
                add(i, "kk_change", col["kk"][row])
            if row in corrected or (reg_nik[i] == "" and col["nik"][row] and col["kk"][row] == reg_kk[i]):
                add(i, "nik_correction", col["nik"][row])
    return pa.table({k: pa.array(v, pa.string()) for k, v in out.items()})


def _bad_rows(rng, civil, col, others, duplicates, outsiders) -> pa.Table:
    """Return extract rows of bad input: other people under an existing NIK, people of another district."""
    donors = rng.choice(others, duplicates + outsiders, replace=False)
    names = col["name"][rng.permutation(donors)]
    nik = col["nik"][donors].copy()
    region = col["region_code"][donors].copy()
    moved = np.arange(len(donors)) >= duplicates
    nik[moved] = [_other_district(k) + k[4:] if k else "" for k in nik[moved]]
    region[moved] = [_other_district(c) + c[4:] for c in region[moved]]
    n = len(donors)
    return pa.table({
        "record_id": pa.array([f"X{i:07d}" for i in range(1, n + 1)]),
        "household_id": pa.array([f"XH{i:07d}" for i in range(1, n + 1)]),
        "nik": pa.array(nik, pa.string()), "kk": pa.array(col["kk"][donors], pa.string()),
        "name": pa.array(names, pa.string()), "sex": civil["sex"].cast(pa.string()).take(donors),
        "birth_date": pa.array(col["birth_date"][donors], pa.string()),
        "birth_place": pa.nulls(n, pa.string()), "relation": pa.nulls(n, pa.string()),
        "region_code": pa.array(region, pa.string()), "death_date": pa.nulls(n, pa.string()),
        "previous_nik": pa.nulls(n, pa.string()),
    })
