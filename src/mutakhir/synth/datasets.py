"""The civil-registry extract, the stale registry snapshot, the survey sample and the welfare truth."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import params as P
from .errors import REGISTRY_RATES
from .tables import (
    CHARACTERISTICS,
    HOUSEHOLD_COLUMNS,
    MEMBER_CODES,
    MEMBER_COLUMNS,
    codes,
    dates,
    household_columns,
    ids,
    numbers_text,
    rank_within,
    sub_ids,
)
from .world import World


def civil_members(world: World) -> tuple[pa.Table, np.ndarray]:
    """Return the SIAK extract (upper case, as Dukcapil writes) and each person's civil number (0 = none)."""
    pp, hh, area = world.pp, world.hh, world.area
    rows = np.flatnonzero(pp["in_t"] & ~pp["newborn_unregistered"])
    civil_no = np.zeros(len(pp["hh"]), dtype=np.int64)
    civil_no[rows] = np.arange(1, len(rows) + 1)
    h = pp["hh"][rows]
    table = pa.table({
        "record_id": ids("C", civil_no[rows]), "household_id": ids("H", h + 1),
        "nik": numbers_text(pp["nik"][rows]), "kk": numbers_text(pp["kk_t"][rows]),
        "name": pp["name_upper"].take(pa.array(rows)), "sex": pa.array(np.where(pp["male"][rows], 1, 2)),
        "birth_date": dates(pp["birth_date"][rows]), "birth_place": pp["birth_place_upper"].take(pa.array(rows)),
        "relation": pa.array(pp["rel_t"][rows].astype(np.int64)),
        "region_code": pa.array(area.village_codes[hh["village"][h]]),
    })
    return table, civil_no


def registry(world: World, rng: np.random.Generator) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """Return the registry snapshot (households, members) and each person's registry number (0 = none).

    A person's registry number is registry_no * 100 + k for record R<registry_no>-<k>.
    """
    pp, hh, snap, area = world.pp, world.hh, world.snap, world.area
    units = np.flatnonzero(hh["registry_no"] > 0)
    units = units[np.argsort(hh["registry_no"][units])]
    households = {"household_id": ids("R", hh["registry_no"][units])}
    households.update(household_columns(snap, units, area.village_codes))
    unit_no = hh["registry_no"][hh["unit"][pp["hh"]]]
    rows = np.flatnonzero(pp["in_s"] & (unit_no > 0))
    rows = rows[np.lexsort((-pp["age"][rows], pp["rel_s"][rows], unit_no[rows]))]
    k = rank_within(unit_no[rows])
    reg_no = np.zeros(len(pp["hh"]), dtype=np.int64)
    reg_no[rows] = unit_no[rows] * 100 + k
    hid = ids("R", unit_no[rows])
    members = {
        "record_id": sub_ids(hid, k), "household_id": hid,
        "nik": numbers_text(pp["nik"][rows], rng.random(len(rows)) < REGISTRY_RATES["nik_missing"]),
        "kk": numbers_text(pp["kk_s"][rows]), "name": pp["name"].take(pa.array(rows)),
        "sex": pa.array(np.where(pp["male"][rows], 1, 2)), "birth_date": dates(pp["birth_date"][rows]),
        "birth_place": pp["birth_place"].take(pa.array(rows)), "relation": pa.array(pp["rel_s"][rows].astype(np.int64)),
    }
    for field in MEMBER_CODES:
        source = {"work_status": "work_status_s", "work_sector": "work_sector_s"}.get(field, field)
        members[field] = codes(pp[source][rows])
    return (pa.table({c: households[c] for c in HOUSEHOLD_COLUMNS}),
            pa.table({c: members[c] for c in MEMBER_COLUMNS}), reg_no)


def survey(world: World, rng: np.random.Generator, share: float = P.SURVEY_SHARE) -> tuple[pa.Table, np.ndarray]:
    """Return a SUSENAS-like sample stratified by sub-district, and each household's survey number.

    `share` is the sampled share of each sub-district's households (bench/pmt.py asks for a larger one).
    """
    hh, area = world.hh, world.area
    sub = area.village_sub[hh["village"]]
    picked = []
    for s in range(len(area.sub_codes)):
        members = np.flatnonzero(sub == s)
        if len(members):
            take = max(1, round(share * len(members)))
            picked.append(np.sort(rng.choice(members, take, replace=False)))
    rows = np.concatenate(picked) if picked else np.array([], dtype=np.int64)
    counts = np.bincount(sub, minlength=len(area.sub_codes))
    sampled = np.bincount(sub[rows], minlength=len(area.sub_codes))
    survey_no = np.zeros(len(hh["w"]), dtype=np.int64)
    survey_no[rows] = np.arange(1, len(rows) + 1)
    cols = household_columns(hh, rows, area.village_codes)
    table = {"household_id": ids("S", survey_no[rows]), "region": pa.array(area.sub_codes[sub[rows]]),
             "region_code": cols["region_code"]}
    table.update({f: cols[f] for f in HOUSEHOLD_COLUMNS if f in CHARACTERISTICS})
    table.update({
        "household_size": pa.array(hh["household_size"][rows].astype(np.int64)),
        "n_children": pa.array(hh["n_children"][rows].astype(np.int64)),
        "head_education": pa.array(hh["head_education"][rows].astype(np.int64)),
        "head_work_sector": codes(hh["head_work_sector"][rows]),
        "log_consumption_pc": pa.array(np.round(hh["log_consumption_pc"][rows], 6)),
        "weight": pa.array(np.round(counts[sub[rows]] / sampled[sub[rows]], 6)),
    })
    return pa.table(table), survey_no


def welfare_truth(world: World, survey_no: np.ndarray) -> pa.Table:
    """Return every household's true and expected log per-capita consumption."""
    hh = world.hh
    n = len(hh["w"])
    reg = hh["registry_no"][hh["unit"]]
    return pa.table({
        "household_id": ids("H", np.arange(1, n + 1)),
        "registry_household_id": pc.if_else(pa.array(reg > 0), ids("R", np.maximum(reg, 0)),
                                            pa.scalar(None, pa.string())),
        "survey_household_id": pc.if_else(pa.array(survey_no > 0), ids("S", survey_no),
                                          pa.scalar(None, pa.string())),
        "household_size": pa.array(hh["household_size"].astype(np.int64)),
        "log_consumption_pc": pa.array(np.round(hh["log_consumption_pc"], 6)),
        "expected_log_consumption_pc": pa.array(np.round(hh["expected_log_consumption_pc"], 6)),
    })
