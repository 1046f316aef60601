"""One update period of registrations, with entry errors, and the ground truth of what they are.

A registration of a registry household is "changed" iff its true state on REF_DATE differs from the
registry snapshot in one of these ways (the `change_kind` values, in this order):
  birth             a member born after the snapshot
  death             a snapshot member died (when the head died, the widow's relation changes too)
  member_moved_out  a snapshot member left the district
  member_moved_in   a member who was not in the household at the snapshot
  split             members left to form their own household (the split-off part registers separately)
  split_off         the household is that split-off part: it was inside a registry household
  address           region_code, address, rt or rw differ
  housing           floor area, floor, wall, roof, water, lighting, cooking fuel, toilet or tenure differ
  assets            an asset flag or the livestock count differs
  member_details    a continuing member's relation, work status or work sector differs
Otherwise it is "unchanged"; entry errors (errors.py) are never changes. Households not in the
registry are "new".
"""

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import errors as E
from . import params as P
from .population import DEAD_HUSBAND, DEAD_PARENT, MOVED_OUT
from .tables import (
    CHARACTERISTICS,
    HOUSEHOLD_COLUMNS,
    MEMBER_CODES,
    MEMBER_COLUMNS,
    codes,
    dates,
    household_columns,
    ids,
    padded,
    sub_ids,
)
from .world import World

CHANGE_KINDS = ("birth", "death", "member_moved_out", "member_moved_in", "split", "split_off", "address",
                "housing", "assets", "member_details")


def change_kinds(world: World) -> dict[str, np.ndarray]:
    """Return, per kind, which households (on REF_DATE) differ from their registry unit that way."""
    pp, hh, snap = world.pp, world.hh, world.snap
    n, h = len(hh["w"]), pp["hh"]

    def any_of(flags):
        return np.bincount(h[flags], minlength=n) > 0

    y = hh["parent"] >= 0
    continuing = pp["in_t"] & pp["in_s"]
    out = {
        "birth": any_of(pp["in_t"] & ~pp["in_s"] & ~pp["moved_in"]),
        "death": any_of(np.isin(pp["role"], (DEAD_HUSBAND, DEAD_PARENT))),
        "member_moved_out": any_of(pp["role"] == MOVED_OUT),
        "member_moved_in": any_of(pp["in_t"] & pp["moved_in"]),
        "split": np.bincount(hh["parent"][y], minlength=n) > 0,
        "split_off": y,
        "address": (hh["village"] != snap["village"]) | (hh["address"] != snap["address"])
        | (hh["rt"] != snap["rt"]) | (hh["rw"] != snap["rw"]),
        "housing": np.any([hh[f] != snap[f] for f in CHARACTERISTICS[:9]], axis=0),
        "assets": np.any([hh[f] != snap[f] for f in CHARACTERISTICS[9:]], axis=0),
        "member_details": any_of(continuing & ((pp["rel_t"] != pp["rel_s"]) | (pp["work_status"] != pp["work_status_s"])
                                               | (pp["work_sector"] != pp["work_sector_s"]))),
    }
    return {k: (v & ~y if k != "split_off" else v) for k, v in out.items()}


def select(world: World, rng: np.random.Generator, count: int | None = None) -> np.ndarray:
    """Return the households that register (`count`, default a share of all), in registration order."""
    hh = world.hh
    n = len(hh["w"])
    pct = np.argsort(np.argsort(hh["log_consumption_pc"], kind="stable"), kind="stable") / max(n, 1)
    linked = hh["registry_no"][hh["unit"]] > 0
    total = count or max(1, round(P.REGISTRATION_SHARE * n))
    picked = []
    for share, pool in zip(P.REGISTRATION_MIX, (linked, ~linked & (pct < 0.5), ~linked & (pct >= 0.5)), strict=True):
        candidates = np.flatnonzero(pool)
        picked.append(rng.choice(candidates, min(len(candidates), round(share * total)), replace=False))
    return rng.permutation(np.concatenate(picked))


def registrations(world: World, rng: np.random.Generator, civil_no: np.ndarray, reg_no: np.ndarray,
                  count: int | None = None) -> dict:
    """Return the registrations (households, members), the truth tables and the error log."""
    pp, hh, area = world.pp, world.hh, world.area
    sel = select(world, rng, count)
    k = len(sel)
    registered_on = P.PERIOD_START + rng.integers(0, P.PERIOD_DAYS, k).astype("timedelta64[D]")
    order = np.lexsort((rng.random(k), registered_on))
    sel, registered_on = sel[order], registered_on[order]
    kinds, probs = zip(*P.REGISTRATION_KINDS, strict=True)
    hid = ids("D", np.arange(1, k + 1))
    rnd = random.Random(int(rng.integers(2**62)))
    log: list[tuple[str, str, str]] = []

    cols = household_columns(hh, sel, area.village_codes)
    address = []
    for d, text in zip(hid.to_pylist(), cols["address"].to_pylist(), strict=True):
        written, err = E.corrupt_address(text, rnd)
        address.append(written)
        if err:
            log.append((d, "address", err))
    cols["address"] = pa.array(address, type=pa.string())
    households = {"household_id": hid, **cols}
    households = {c: households[c] for c in HOUSEHOLD_COLUMNS}
    households["registration_kind"] = pa.array(np.asarray(kinds)[rng.choice(len(kinds), k, p=probs)])
    households["registered_on"] = dates(registered_on)

    h = pp["hh"]
    starts, ends = np.searchsorted(h, sel), np.searchsorted(h, sel, side="right")
    lengths = ends - starts
    owner = np.repeat(np.arange(k), lengths)
    rows = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(lengths.sum())
    keep = pp["in_t"][rows]
    rows, owner = rows[keep], owner[keep]
    number = np.arange(len(rows)) - np.searchsorted(owner, owner) + 1
    mhid = hid.take(pa.array(owner))
    rid = sub_ids(mhid, number)
    members = _written_members(pp, rows, rid.to_pylist(), rnd, log)
    members.update({"record_id": rid, "household_id": mhid, "relation": pa.array(pp["rel_t"][rows].astype(np.int64)),
                    "sex": pa.array(np.where(pp["male"][rows], 1, 2)),
                    "birth_place": pp["birth_place"].take(pa.array(rows))})
    for field in MEMBER_CODES:
        members[field] = codes(pp[field][rows])

    changes = change_kinds(world)
    unit_no = hh["registry_no"][hh["unit"][sel]]
    change_text = [";".join(kind for kind in CHANGE_KINDS if changes[kind][i]) for i in sel.tolist()]
    category = np.where(unit_no <= 0, "new", np.where([bool(t) for t in change_text], "changed", "unchanged"))
    none = pa.scalar(None, pa.string())
    truth_households = pa.table({
        "household_id": hid,
        "registry_household_id": pc.if_else(pa.array(unit_no > 0), ids("R", np.maximum(unit_no, 0)), none),
        "category": pa.array(category),
        "change_kind": pa.array([t if c != "new" else "" for t, c in zip(change_text, category, strict=True)]),
    })
    rn, cn = reg_no[rows], civil_no[rows]
    truth_members = pa.table({
        "record_id": rid,
        "registry_record_id": pc.if_else(pa.array(rn > 0), sub_ids(ids("R", rn // 100), rn % 100), none),
        "civil_record_id": pc.if_else(pa.array(cn > 0), ids("C", cn), none),
    })
    return {
        "households": pa.table(households),
        "members": pa.table({c: members[c] for c in MEMBER_COLUMNS}),
        "truth_households": truth_households, "truth_members": truth_members,
        "errors": pa.table({"record_id": [r for r, _, _ in log], "field": [f for _, f, _ in log],
                            "error": [e for _, _, e in log]}, schema=pa.schema([(c, pa.string()) for c in
                                                                              ("record_id", "field", "error")])),
    }


def _written_members(pp, rows, record_ids, rnd, log) -> dict[str, pa.Array]:
    """Apply entry errors to names, NIK, KK and birth dates of registration members; log each error."""
    names = pp["name"].take(pa.array(rows)).to_pylist()
    male = pp["male"][rows].tolist()
    niks = padded(pp["nik"][rows], 16).to_pylist()
    kks = padded(pp["kk_t"][rows], 16).to_pylist()
    births = np.datetime_as_string(pp["birth_date"][rows], unit="D").tolist()
    out = {"name": [], "nik": [], "kk": [], "birth_date": []}
    for i, rid in enumerate(record_ids):
        name, errs = E.corrupt_name(names[i], male[i], rnd)
        log.extend((rid, "name", e) for e in errs)
        nik, err_nik = E.corrupt_nik(niks[i], kks[i], rnd)
        kk, err_kk = E.corrupt_kk(kks[i], rnd)
        birth, err_birth = E.corrupt_birth_date(births[i], rnd)
        for field, err in (("nik", err_nik), ("kk", err_kk), ("birth_date", err_birth)):
            if err:
                log.append((rid, field, err))
        out["name"].append(name)
        out["nik"].append(nik or None)
        out["kk"].append(kk or None)
        out["birth_date"].append(birth or None)
    return {"name": pa.array(out["name"], type=pa.string()), "nik": pa.array(out["nik"], type=pa.string()),
            "kk": pa.array(out["kk"], type=pa.string()),
            "birth_date": pc.cast(pa.array(out["birth_date"], type=pa.string()), pa.date32())}
